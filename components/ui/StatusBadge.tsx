export type BadgeTone = 'ok' | 'warn' | 'bad' | 'neutral';

export function StatusBadge({ tone, children, testId }: { tone: BadgeTone; children: React.ReactNode; testId?: string }) {
  return (
    <span className={`badge ${tone}`} data-testid={testId}>
      {children}
    </span>
  );
}
