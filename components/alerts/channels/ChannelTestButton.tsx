'use client';

import { useTestChannelMutation } from '@/lib/queries/alerts/channels/test-channel-mutation';

/** "Send test": one message now, and what the receiver answered (status, time, or why it failed). */
export function ChannelTestButton({ channelId }: { channelId: string }) {
  const mutation = useTestChannelMutation(channelId);
  const result = mutation.data;
  return (
    <>
      <button type="button" className="small" onClick={() => mutation.mutate()} disabled={mutation.isPending} data-testid="channel-test">
        {mutation.isPending ? 'Sending…' : 'Send test'}
      </button>
      {result ? (
        <div className={result.ok ? 'ok-text' : 'field-error'} role="status" data-testid="channel-test-result" data-ok={result.ok}>
          {result.ok ? `delivered: ${result.statusCode} in ${result.durationMs} ms` : `failed: ${result.error}`}
        </div>
      ) : null}
      {mutation.error ? <div className="field-error">{mutation.error.message}</div> : null}
    </>
  );
}
