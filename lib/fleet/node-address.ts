/**
 * Where a node listens, read from its fleet-file URL, without the credentials:
 * this is what the read-target API hands to operators and routers, and the
 * monitoring password must never ride along.
 *
 * A hand-rolled parser rather than WHATWG `URL`: libpq URLs may have an empty
 * host (`postgres://u@/db?host=/run/postgresql`) or several hosts
 * (`postgres://h1,h2/db`), both of which `new URL` rejects.
 */

export interface NodeAddress {
  host: string;
  port: number;
  database: string;
}

/** libpq's default port. */
const DEFAULT_PORT = 5432;

const POSTGRES_URL = /^postgres(?:ql)?:\/\/([^/?#]*)(?:\/([^?#]*))?(?:\?([^#]*))?/;

function decode(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}

function parsePort(text: string | undefined | null): number | null {
  if (!text) return null;
  const port = Number(text);
  return Number.isInteger(port) && port > 0 && port < 65536 ? port : null;
}

/** Splits "host:port" and "[v6]:port"; the port is null when absent. */
function splitHostPort(hostSpec: string): { host: string; port: number | null } {
  const bracketed = /^\[([^\]]*)\](?::(\d*))?$/.exec(hostSpec);
  if (bracketed) return { host: bracketed[1], port: parsePort(bracketed[2]) };
  const colon = hostSpec.lastIndexOf(':');
  if (colon === -1) return { host: hostSpec, port: null };
  return { host: hostSpec.slice(0, colon), port: parsePort(hostSpec.slice(colon + 1)) };
}

/**
 * Host, port and database of a postgres:// URL, as libpq would connect: query
 * parameters `host`, `port`, `dbname` fill what the authority leaves out; the
 * first host of a multi-host URL is the one named; the database defaults to
 * the user name (libpq's rule), which is the only use made of the user part.
 */
export function parseNodeAddress(url: string): NodeAddress {
  const match = POSTGRES_URL.exec(url);
  if (!match) throw new Error('not a postgres:// URL');
  const [, authority, path = '', query = ''] = match;

  const at = authority.lastIndexOf('@');
  const userInfo = at === -1 ? '' : authority.slice(0, at);
  const hostList = at === -1 ? authority : authority.slice(at + 1);
  const params = new URLSearchParams(query);

  const first = splitHostPort(decode(hostList.split(',')[0] ?? ''));
  const host = first.host || params.get('host')?.split(',')[0] || 'localhost';
  const port = first.port ?? parsePort(params.get('port')?.split(',')[0]) ?? DEFAULT_PORT;
  const user = decode(userInfo.split(':')[0] ?? '');
  const database = decode(path) || params.get('dbname') || params.get('user') || user || 'postgres';

  return { host, port, database };
}
