'use client';

import { useAcknowledgeMutation } from '@/lib/queries/alerts/events/acknowledge-mutation';

/** Acknowledge (operators and admins): says "I am on it"; a 409 names whoever was first. */
export function AcknowledgeButton({ eventId }: { eventId: string }) {
  const mutation = useAcknowledgeMutation(eventId);
  return (
    <>
      <button type="button" className="small" onClick={() => mutation.mutate()} disabled={mutation.isPending} data-testid="acknowledge">
        {mutation.isPending ? 'Acknowledging…' : 'Acknowledge'}
      </button>
      {mutation.error ? <div className="field-error">{mutation.error.message}</div> : null}
    </>
  );
}
