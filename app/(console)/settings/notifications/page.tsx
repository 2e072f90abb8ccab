import { NotificationChannels } from '@/components/alerts/channels/NotificationChannels';
import { CHANNEL_FAILING_AFTER } from '@/lib/alerts/alert-model';
import { requirePageSession } from '@/lib/auth/guard';
import './notifications.css';

export default async function NotificationSettingsPage() {
  await requirePageSession('admin');
  return (
    <>
      <h1>Notifications</h1>
      <p className="subtle">
        Where alerts are sent when they fire, escalate, de-escalate and resolve (and, if a channel asks, when someone acknowledges): each message once
        per channel, retried with backoff for a few minutes, 5 s per attempt. A channel that failed {CHANNEL_FAILING_AFTER} times in a row is
        flagged here; it never holds up the alerts themselves. Every change and test is audited.
      </p>
      <NotificationChannels />
    </>
  );
}
