import type { AlertContext } from '@/lib/alerts/alert-model';
import { formatNumber, formatSeconds } from '@/lib/format';
import { BlockingRootsPart, IdleInTransactionPart, PgbouncerWaitingPart, TopStatementsPart, TopTenantsPart } from './ContextTables';

/** Tolerates a snapshot missing a part (written by an older worker): a missing list reads as empty. */
function listOf<T>(list: T[] | undefined | null): T[] {
  return Array.isArray(list) ? list : [];
}

/**
 * What was going on on the shard when the alert fired: the noisy neighbour's
 * answer. Parts that could not be read are listed with the reason; the rest
 * still shows.
 */
export function AlertContextPanel({ context }: { context: AlertContext | null }) {
  if (!context) {
    return (
      <p className="subtle" data-testid="alert-context">
        No context snapshot was taken for this event.
      </p>
    );
  }
  const errors = listOf(context.errors);
  return (
    <div className="alert-context" data-testid="alert-context">
      <p className="subtle">
        Captured{' '}
        <time dateTime={context.capturedAt} suppressHydrationWarning>
          {new Date(context.capturedAt).toLocaleString()}
        </time>{' '}
        when it fired · tenant and statement figures over the {formatSeconds(context.windowSeconds)} before
      </p>
      {errors.length > 0 ? (
        <ul className="problems" data-testid="context-errors">
          {errors.map((error) => (
            <li key={`${error.part}:${error.message}`}>
              {error.part}: {error.message}
            </li>
          ))}
        </ul>
      ) : null}
      {context.tenantLimit ? (
        <p data-testid="context-tenant-limit">
          Tier limit <strong>{context.tenantLimit.kind}</strong>: {formatNumber(context.tenantLimit.used)} used of{' '}
          {formatNumber(context.tenantLimit.limit)}
          {context.tenantLimit.limit > 0 ? ` (${Math.round((context.tenantLimit.used / context.tenantLimit.limit) * 100)} %)` : ''}
        </p>
      ) : null}
      <div className="context-parts">
        <TopTenantsPart tenants={listOf(context.topTenants)} />
        <BlockingRootsPart roots={listOf(context.blockingRoots)} />
        <IdleInTransactionPart sessions={listOf(context.idleInTransaction)} />
        <TopStatementsPart statements={listOf(context.topStatements)} />
        <PgbouncerWaitingPart pools={listOf(context.pgbouncerWaiting)} />
      </div>
    </div>
  );
}
