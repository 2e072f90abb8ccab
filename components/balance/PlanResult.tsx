import Link from 'next/link';
import { formatBytes, formatSeconds } from '@/lib/format';
import type { Plan } from '@/lib/rebalance/rebalance-model';
import { PlanBars } from './PlanBars';
import { planSummary } from './plan-result-view';
import { RunPlanButton } from './RunPlanButton';

/**
 * One plan: what it costs (bytes to copy, tenants, copy time), whether it
 * reaches the goal, the planner's notes, before/after per shard, and each
 * move with its reason. Admins see the Run button: a confirmation, then the run's page.
 */
export function PlanResult({ plan, plannedAt, canAdminister, refreshing }: { plan: Plan; plannedAt: Date; canAdminister: boolean; refreshing: boolean }) {
  const summary = planSummary(plan);
  return (
    <div
      className={`plan-result${refreshing ? ' refreshing' : ''}`}
      data-testid="plan-result"
      data-mode={plan.request.mode}
      data-dimension={plan.request.dimension}
      data-moves={plan.moves.length}
      data-within-threshold={plan.withinThreshold}
      aria-busy={refreshing}
    >
      <div className="stats">
        <div>
          <div className="subtle">Bytes to copy</div>
          <div className="stat-value" data-testid="plan-bytes">
            {summary.bytesToCopy}
          </div>
        </div>
        <div>
          <div className="subtle">Tenants to move</div>
          <div className="stat-value" data-testid="plan-tenants">
            {summary.tenantsToMove}
          </div>
        </div>
        <div>
          <div className="subtle">Estimated copy time</div>
          <div className="stat-value subtle" data-testid="plan-copy-time">
            {summary.copyTime}
          </div>
        </div>
        <div>
          <div className="subtle">Skew</div>
          <div className="stat-value" data-testid="plan-skew">
            {summary.skew}
          </div>
        </div>
      </div>
      <p className={summary.verdictTone === 'ok' ? 'ok-text' : 'warn-text'} data-testid="plan-verdict">
        {summary.verdict}
        <span className="subtle"> · planned {plannedAt.toLocaleTimeString()}</span>
      </p>
      {plan.notes.length > 0 ? (
        <ul className="plan-notes" data-testid="plan-notes">
          {plan.notes.map((note) => (
            <li key={note}>{note}</li>
          ))}
        </ul>
      ) : null}
      <PlanBars plan={plan} />
      <h3>Moves</h3>
      {plan.moves.length === 0 ? (
        <p className="subtle" data-testid="plan-no-moves">
          no tenant to move
        </p>
      ) : (
        <table className="plan-moves">
          <thead>
            <tr>
              <th>Tenant</th>
              <th>From → to</th>
              <th className="num">Bytes</th>
              <th className="num">Load</th>
              <th>Why</th>
            </tr>
          </thead>
          <tbody>
            {plan.moves.map((move) => (
              <tr key={move.tenantId} data-testid="plan-move" data-tenant-id={move.tenantId} data-from={move.from} data-to={move.to}>
                <td>
                  <Link href={`/tenants/${encodeURIComponent(move.tenantId)}`}>{move.name}</Link>
                </td>
                <td className="mono">
                  {move.from} → {move.to}
                </td>
                <td className="num">{formatBytes(move.bytes)}</td>
                <td className="num">{move.load === 0 ? '0 s' : formatSeconds(move.load)}</td>
                <td className="wide" data-testid="plan-move-reason">
                  {move.reason}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {canAdminister ? (
        <RunPlanButton plan={plan} />
      ) : (
        <p className="subtle" data-testid="run-admins-only">
          Only an admin can run a plan.
        </p>
      )}
    </div>
  );
}
