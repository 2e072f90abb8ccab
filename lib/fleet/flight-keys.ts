/**
 * Redis key layout for the live reads' shared single-flight (lib/fleet/shared-flight.ts).
 * Every web instance reads and writes these, so N instances cost the fleet one
 * round trip per read per TTL.
 *
 *   shardscope:flight:<read>:{<key>}        string, JSON { producedAt, value }; PX = the read's TTL
 *   shardscope:flight:<read>:{<key>}:lock   string, the loading instance's token; PX = FLIGHT_LOCK_NODE_TIMEOUTS × node timeout
 *
 * <key> is what the read is coalesced on (a shard id, or `fleet`). It sits in a
 * {hash tag} so a result and its lock live on one Redis Cluster slot: the
 * claim and store scripts touch both at once.
 */

export const FLIGHT_KEY_PREFIX = 'shardscope:flight';

/** The live reads shared through Redis; each has its own key space. */
export const FLIGHT_READS = ['fleet-overview', 'shard-activity', 'shard-replication', 'shard-pools'] as const;
export type FlightRead = (typeof FLIGHT_READS)[number];

export interface FlightKeys {
  /** The last result, while it is fresh. */
  result: string;
  /** Held by the one instance loading the result. */
  lock: string;
}

export function flightKeys(read: FlightRead, key: string): FlightKeys {
  if (!key || /[{}\s]/.test(key)) throw new Error(`invalid single-flight key for ${read}: "${key}"`);
  const result = `${FLIGHT_KEY_PREFIX}:${read}:{${key}}`;
  return { result, lock: `${result}:lock` };
}
