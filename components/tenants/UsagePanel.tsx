'use client';

import { AlertError } from '@/components/ui/AlertError';
import { Skeleton } from '@/components/ui/Skeleton';
import { StatusBadge } from '@/components/ui/StatusBadge';
import { useTenantUsageQuery, type TenantUsageData } from '@/lib/queries/tenants/tenant-usage-query';
import { formatAge } from '@/lib/history/worker-status-model';
import { LIMIT_KINDS, type LimitKind, type UsageFigure } from '@/lib/tenants/tenant-model';
import { LIMIT_LABELS, usageAmountText, usageBar } from '@/lib/tenants/usage-bar-view';

/** Live numbers are "read", the worker's are "measured": the word says how old the number may be. */
const TIME_VERB: Record<LimitKind, string> = { connections: 'read', apiCalls: 'read', storage: 'measured', users: 'measured' };

function agoText(at: string | null): string | null {
  return at ? `${formatAge(Math.max(0, (Date.now() - Date.parse(at)) / 1000))} ago` : null;
}

/** Why a figure is blank: the server's words, or what the page itself knows (shard down, Redis away). */
function unavailableText(kind: LimitKind, figure: UsageFigure, usage: TenantUsageData): string {
  if (figure.unavailable) return figure.unavailable;
  if (kind === 'connections' && usage.sessions.shardDown) return 'shard down';
  if (kind === 'apiCalls' && !usage.countersAvailable) return 'counters unavailable';
  return 'unknown';
}

function UsageRow({ kind, usage }: { kind: LimitKind; usage: TenantUsageData }) {
  const figure = usage.usage[kind];
  const bar = usageBar(figure.used, figure.limit);
  const ago = agoText(figure.at);
  return (
    <div className="usage-row" data-testid="usage-bar" data-kind={kind} data-state={bar.state} data-used={figure.used ?? ''} data-limit={figure.limit}>
      <div className="usage-head">
        <strong>{LIMIT_LABELS[kind]}</strong>
        <span className="mono">{usageAmountText(kind, figure.used, figure.limit)}</span>
        <span className="usage-percent">{bar.percentText}</span>
        {bar.stateText ? <StatusBadge tone={bar.tone === 'bad' ? 'bad' : 'warn'}>{bar.stateText}</StatusBadge> : null}
        {figure.used === null ? (
          <StatusBadge tone={kind === 'connections' && usage.sessions.shardDown ? 'bad' : 'neutral'} testId="usage-unavailable">
            {unavailableText(kind, figure, usage)}
          </StatusBadge>
        ) : null}
      </div>
      <div
        className={`usage-track ${bar.tone}`}
        role="meter"
        aria-label={LIMIT_LABELS[kind]}
        aria-valuemin={0}
        aria-valuemax={figure.limit}
        aria-valuenow={figure.used ?? undefined}
        aria-valuetext={figure.used === null ? unavailableText(kind, figure, usage) : `${bar.percentText} of the limit`}
      >
        <span style={{ width: `${bar.widthPercent}%` }} />
      </div>
      <div className="subtle usage-source" data-testid="usage-source">
        {figure.source}
        {ago ? ` · ${TIME_VERB[kind]} ${ago}` : ''}
      </div>
    </div>
  );
}

export function UsagePanel({ tenantId }: { tenantId: string }) {
  const { data, error, isPending } = useTenantUsageQuery(tenantId);
  return (
    <section className="card panel" data-testid="panel-usage">
      <header>
        <h2>Usage against the {data ? `${data.tier} tier's` : "tier's"} limits</h2>
        {data?.storageMethod ? (
          <span className="subtle">
            storage {data.storageMethod === 'schema' ? 'is the size of the tenant’s schema' : 'is the tenant’s share of each shared table, apportioned by rows'}
          </span>
        ) : null}
      </header>
      {isPending ? <Skeleton /> : null}
      {error && !data ? <AlertError subject="usage" error={error} /> : null}
      {data ? (
        <>
          {!data.countersAvailable ? (
            <p className="banner warn" role="status" data-testid="counters-unavailable">
              counters unavailable: Redis did not answer. API calls and cache are blank; everything else is current.
            </p>
          ) : null}
          {data.sessions.shardDown ? (
            <p className="banner bad" role="status" data-testid="shard-down">
              shard down: no node of {data.shardId} answered, so live connections are unknown.
            </p>
          ) : null}
          <div className="usage-rows">
            {LIMIT_KINDS.map((kind) => (
              <UsageRow key={kind} kind={kind} usage={data} />
            ))}
          </div>
          {error ? <p className="subtle">last refresh failed ({error.message}), showing the previous answer</p> : null}
        </>
      ) : null}
    </section>
  );
}
