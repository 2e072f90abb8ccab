/** The one error panel: "Failed to retrieve <subject>" plus the server's message. */
export function AlertError({ subject, error }: { subject: string; error: unknown }) {
  const message = error instanceof Error ? error.message : 'unknown error';
  return (
    <div className="alert-error" role="alert">
      <strong>Failed to retrieve {subject}</strong>
      <div className="subtle">{message}</div>
    </div>
  );
}
