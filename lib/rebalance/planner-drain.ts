import { formatBytes } from '@/lib/format';
import type { FleetState, ShardState, Step, TenantState } from './planner-state';
import { compareIds } from './weights';

/**
 * Drain: every movable tenant of the shard goes to the other shards that may
 * receive. Largest first, each to the shard that is lightest at that moment
 * (longest-processing-time-first), which spreads the shard's weight so the
 * receivers stay as even as their starting point allows. Tenants that may not
 * move (pinned, suspended, moving, fenced) stay and are named in the notes.
 */

export interface DrainResult {
  steps: Step[];
  notes: string[];
}

/** How many tenants a note names before it says "and N more". */
const NAMED_IN_NOTE = 10;

export function planDrain(state: FleetState, drained: ShardState, maxBytes: number | null): DrainResult {
  const notes: string[] = [];
  const steps: Step[] = [];
  const onShard = state.tenants.filter((tenant) => tenant.at === drained.shardId);
  const staying = onShard.filter((tenant) => tenant.blocker !== null);
  const leaving = onShard
    .filter((tenant) => tenant.blocker === null)
    .sort((a, b) => b.weight - a.weight || b.tenant.bytes - a.tenant.bytes || compareIds(a.tenant.tenantId, b.tenant.tenantId));
  const receivers = state.shards.filter((shard) => shard.canReceive && shard.shardId !== drained.shardId);

  if (staying.length > 0) {
    notes.push(
      `${staying.length} tenant${staying.length === 1 ? '' : 's'} cannot leave ${drained.shardId}, so it will not end empty: ` +
        `${nameList(staying.map((tenant) => `${tenant.tenant.name} (${tenant.blocker})`))}.`,
    );
  }
  if (leaving.length === 0) return { steps, notes };
  if (receivers.length === 0) {
    notes.push(`No active shard with current numbers can take ${drained.shardId}'s tenants: nothing is moved.`);
    return { steps, notes };
  }

  let budget = maxBytes ?? Infinity;
  const leftByCap: TenantState[] = [];
  for (const tenant of leaving) {
    if (tenant.tenant.bytes > budget) {
      leftByCap.push(tenant);
      continue;
    }
    const target = [...receivers].sort((a, b) => a.weight - b.weight || a.tenants - b.tenants || compareIds(a.shardId, b.shardId))[0];
    steps.push({ tenantId: tenant.tenant.tenantId, from: tenant.at, to: target.shardId, swapWith: null });
    state.move(tenant, target.shardId);
    budget -= tenant.tenant.bytes;
  }
  if (leftByCap.length > 0) {
    const bytesLeft = leftByCap.reduce((sum, tenant) => sum + tenant.tenant.bytes, 0);
    notes.push(
      `The byte cap of ${formatBytes(maxBytes)} stopped the drain: ${leftByCap.length} tenant${leftByCap.length === 1 ? '' : 's'} ` +
        `(${formatBytes(bytesLeft)}) stay on ${drained.shardId}; plan again after these moves.`,
    );
  }
  return { steps, notes };
}

export function nameList(names: readonly string[]): string {
  const shown = names.slice(0, NAMED_IN_NOTE).join(', ');
  return names.length > NAMED_IN_NOTE ? `${shown} and ${names.length - NAMED_IN_NOTE} more` : shown;
}
