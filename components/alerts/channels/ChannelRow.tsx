'use client';

import { useState } from 'react';
import type { NotificationChannel } from '@/lib/alerts/alert-model';
import { ChannelHealth } from './ChannelHealth';
import { ChannelTestButton } from './ChannelTestButton';
import { DeleteChannelButton } from './DeleteChannelButton';
import { DeliveryLog } from './DeliveryLog';
import { EditChannelForm } from './EditChannelForm';
import { EnabledToggle } from './EnabledToggle';
import { KIND_LABELS } from './channel-form-view';

/** Columns of the channels table (the edit form and the delivery log span them all). */
export const CHANNEL_COLUMNS = 6;

type Panel = 'edit' | 'log' | null;

/** One channel: its settings and health, its actions, and below it the edit form or its delivery log. */
export function ChannelRow({ channel, now }: { channel: NotificationChannel; now: Date }) {
  const [panel, setPanel] = useState<Panel>(null);
  const toggle = (next: Exclude<Panel, null>) => setPanel((current) => (current === next ? null : next));
  return (
    <tbody className="channel" data-testid="channel-row" data-channel-id={channel.id} data-channel-name={channel.name}>
      <tr>
        <th scope="row">{channel.name}</th>
        <td>
          {KIND_LABELS[channel.kind]}
          {channel.notifyOnAck ? <div className="subtle">also acknowledgements</div> : null}
        </td>
        <td className="mono" data-testid="channel-host" title="The URL is a secret: only its host is shown">
          {channel.urlHost}
        </td>
        <td>
          <EnabledToggle channel={channel} />
        </td>
        <td>
          <ChannelHealth channel={channel} now={now} />
        </td>
        <td className="channel-actions">
          <ChannelTestButton channelId={channel.id} />
          <button type="button" className="small" onClick={() => toggle('log')} aria-expanded={panel === 'log'} data-testid="channel-log-toggle">
            Delivery log
          </button>
          <button type="button" className="small" onClick={() => toggle('edit')} aria-expanded={panel === 'edit'} data-testid="channel-edit">
            Edit
          </button>
          <DeleteChannelButton channelId={channel.id} name={channel.name} />
        </td>
      </tr>
      {panel ? (
        <tr className="channel-panel">
          <td colSpan={CHANNEL_COLUMNS}>
            {panel === 'edit' ? <EditChannelForm channel={channel} onDone={() => setPanel(null)} /> : <DeliveryLog channelId={channel.id} />}
          </td>
        </tr>
      ) : null}
    </tbody>
  );
}
