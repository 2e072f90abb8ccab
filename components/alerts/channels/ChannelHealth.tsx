import { StatusBadge } from '@/components/ui/StatusBadge';
import { CHANNEL_FAILING_AFTER, type NotificationChannel } from '@/lib/alerts/alert-model';
import { formatWhen } from './channel-form-view';

/** Whether messages get through: failing after CHANNEL_FAILING_AFTER failures in a row, the last success and failure, the last error. */
export function ChannelHealth({ channel, now }: { channel: NotificationChannel; now: Date }) {
  return (
    <div data-testid="channel-health" data-failing={channel.failing}>
      {channel.failing ? (
        <StatusBadge tone="bad" testId="channel-failing">
          failing
        </StatusBadge>
      ) : channel.consecutiveFailures > 0 ? (
        <StatusBadge tone="warn">
          {channel.consecutiveFailures} of {CHANNEL_FAILING_AFTER} failures
        </StatusBadge>
      ) : channel.lastSuccessAt ? (
        <StatusBadge tone="ok">ok</StatusBadge>
      ) : (
        <StatusBadge tone="neutral">nothing sent yet</StatusBadge>
      )}
      <div className="subtle">
        last success <span title={channel.lastSuccessAt ?? undefined}>{formatWhen(channel.lastSuccessAt, now)}</span>
        {channel.lastFailureAt ? (
          <>
            {' '}
            · last failure <span title={channel.lastFailureAt}>{formatWhen(channel.lastFailureAt, now)}</span>
          </>
        ) : null}
      </div>
      {channel.consecutiveFailures > 0 && channel.lastError ? (
        <div className="field-error" data-testid="channel-last-error">
          {channel.lastError}
        </div>
      ) : null}
    </div>
  );
}
