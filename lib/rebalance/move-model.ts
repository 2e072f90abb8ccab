/**
 * Online tenant moves: the shapes and names shared by the move phases
 * (lib/rebalance/move-*.ts), the worker, and the API. No I/O.
 *
 * The protocol (DESIGN.md): prepare → copy → catch_up → fence → drain →
 * verify → switch → cleanup, each phase checkpointed in tenant_moves before
 * it acts and idempotent on resume; failure or cancel before switch → rollback.
 */

export const MOVE_PHASES = ['prepare', 'copy', 'catch_up', 'fence', 'drain', 'verify', 'switch', 'cleanup', 'rollback', 'finished'] as const;
export type MovePhase = (typeof MOVE_PHASES)[number];

/** The forward phases, in order. */
export const FORWARD_PHASES = ['prepare', 'copy', 'catch_up', 'fence', 'drain', 'verify', 'switch', 'cleanup'] as const satisfies readonly MovePhase[];

export const MOVE_STATUSES = ['queued', 'running', 'done', 'rolled_back', 'failed', 'cancelled'] as const;
export type MoveStatus = (typeof MOVE_STATUSES)[number];

export const MOVE_STRATEGIES = ['logical', 'copy'] as const;
export type MoveStrategy = (typeof MOVE_STRATEGIES)[number];

/** The copy strategy (no subscriptions allowed): fence first, COPY, verify, switch. */
export const COPY_STRATEGY_PHASES = ['prepare', 'fence', 'copy', 'verify', 'switch', 'cleanup'] as const satisfies readonly MovePhase[];

/** Phases after which cancel is refused: the tenant lives on the target (a move back is a new move). */
export const POINT_OF_NO_RETURN: MovePhase = 'switch';

/**
 * SQLSTATE of a write refused on the source while the tenant is fenced (the
 * switch is under way) and after it has moved; the same values the routing
 * client retries on (STALE_ROUTE_SQLSTATES in lib/tenants/tenant-route-model.ts).
 */
export const FENCED_SQLSTATE = 'SSF01';
export const MOVED_SQLSTATE = 'SSM01';

/** Every replication object a move creates starts with this: the janitor drops what no live move owns. */
export const REPLICATION_OBJECT_PREFIX = 'shardscope_move_';

export interface ReplicationObjectNames {
  publication: string;
  subscription: string;
  slot: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * The names of a move's publication, subscription and slot, derived from the
 * move id (so a resumed move finds its own objects, and the janitor knows
 * whose they are): 'shardscope_move_' + the id's 32 hex digits, 48 characters,
 * under Postgres' 63. Lowercase letters, digits and underscores only: safe as
 * identifiers without quoting.
 */
export function replicationObjectNames(moveId: string): ReplicationObjectNames {
  const id = moveId.toLowerCase();
  if (!UUID.test(id)) throw new Error(`not a move id: ${moveId}`);
  const name = `${REPLICATION_OBJECT_PREFIX}${id.replaceAll('-', '')}`;
  return { publication: name, subscription: name, slot: name };
}

/** The move id an object name stands for, or null when it is not one of ours. */
export function moveIdOfObject(name: string): string | null {
  const match = /^shardscope_move_([0-9a-f]{32})$/.exec(name);
  if (!match) return null;
  const hex = match[1];
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** The next forward phase of a strategy, or 'finished' after cleanup. */
export function nextPhase(strategy: MoveStrategy, phase: MovePhase): MovePhase {
  const order: readonly MovePhase[] = strategy === 'copy' ? COPY_STRATEGY_PHASES : FORWARD_PHASES;
  const index = order.indexOf(phase);
  if (index < 0) throw new Error(`phase ${phase} is not a forward phase of the ${strategy} strategy`);
  return index === order.length - 1 ? 'finished' : order[index + 1];
}

/** Whether a move in this phase may still be cancelled (rolled back): only before the switch has committed. */
export function cancellable(strategy: MoveStrategy, phase: MovePhase): boolean {
  const order: readonly MovePhase[] = strategy === 'copy' ? COPY_STRATEGY_PHASES : FORWARD_PHASES;
  const index = order.indexOf(phase);
  return index >= 0 && index < order.indexOf(POINT_OF_NO_RETURN);
}

/** One table's verification: rows and an ordered hash of the tenant's rows on each side. */
export interface TableVerification {
  table: string;
  sourceRows: number;
  targetRows: number;
  sourceHash: string;
  targetHash: string;
  equal: boolean;
}

/** GET /api/moves/:id (the contract, field for field). */
export interface TenantMove {
  id: string;
  tenantId: string;
  sourceShardId: string;
  targetShardId: string;
  strategy: MoveStrategy;
  phase: MovePhase;
  status: MoveStatus;
  bytesTotal: number | null;
  bytesCopied: number;
  rowsCopied: number;
  writeBlockMs: number | null;
  verification: TableVerification[] | null;
  error: string | null;
  startedAt: string | null;
  finishedAt: string | null;
}
