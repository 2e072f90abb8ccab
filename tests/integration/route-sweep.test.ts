import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { NextRequest } from 'next/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isBearerTokenPath, isPublicPath } from '@/lib/auth/guard';
import { issueSessionCookie } from '@/lib/auth/issue-session';
import type { Role } from '@/lib/auth/roles';
import { CONSOLE_HOST } from './console-requests';
import { ownControlDb } from './own-control-db';
import {
  COMMON_QUERY_KEYS,
  INJECTION_STRINGS,
  QUERY_ONLY_INJECTIONS,
  WHOLE_BODIES,
  fieldBodies,
  routeInputKeys,
  type HostileBody,
} from './route-sweep-inputs';

/**
 * Every route handler on disk (app/**\/route.ts), called in process through
 * its real guard: anonymous callers get 401 unless lib/auth/guard.ts makes
 * the path public, a viewer cannot mutate, a foreign Origin cannot mutate,
 * and hostile input as admin never gets a 5xx or a stack trace or a database
 * URL back. A new route is swept without editing this file. Its own control
 * DB: the admin sweep reaches routes that act, and must not disturb others.
 */

const controlDb = ownControlDb('it_route_sweep');
const repoRoot = path.resolve(import.meta.dirname, '..', '..');

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;
type Method = (typeof METHODS)[number];
const isMutation = (method: Method) => method !== 'GET';

/**
 * The only mutations a viewer may make. Each one is a deliberate exception
 * (a route needing only viewer must be listed here, or the sweep fails), and
 * the list must stay small: a mutation is an operator's or an admin's act.
 */
const VIEWER_MUTATIONS = [
  // Anyone signed in may end their own session.
  'POST /api/auth/logout',
  // A dry-run plan changes nothing; running one is POST /api/rebalance/runs, admin only.
  'POST /api/rebalance/plan',
];
const MAX_VIEWER_MUTATIONS = 3;

const SAME_ORIGIN = `http://${CONSOLE_HOST}`;
const FOREIGN_ORIGIN = 'https://attacker.example';
const BATCH_SIZE = 16;
/** A hang detector, not a speed check: a request still unanswered after this is reported as hung. */
const HUNG_AFTER_MS = 30_000;

/** Who the sweep signs in as: the two ends of the role ladder. */
type Caller = Extract<Role, 'viewer' | 'admin'>;

type Handler = (request: NextRequest, context: { params: Promise<Record<string, string | string[]>> }) => Promise<Response>;

interface SweptRoute {
  /** The URL pattern, e.g. /api/shards/[shardId]/pools. */
  pattern: string;
  segments: { name: string; catchAll: boolean }[];
  handlers: Partial<Record<Method, Handler>>;
  source: string;
  /** Fields and query parameters its route file and the lib modules it imports name. */
  inputKeys: string[];
  readsQuery: boolean;
  /** One session per route and role: a route ending its caller's session (sign-out) ends only its own. */
  cookies: Record<Caller, string>;
}

interface Probe {
  route: SweptRoute;
  method: Method;
  who: Caller | 'anonymous';
  label: string;
  origin?: string | null;
  segments?: Record<string, string>;
  query?: Record<string, string>;
  body?: HostileBody;
}

interface Outcome {
  probe: Probe;
  status: number;
  /** 5xx, a leak or a hang, described. */
  problems: string[];
  excerpt: string;
}

const SEGMENT = /\[\[?(\.\.\.)?(\w+)\]\]?/g;

function routeFiles(): string[] {
  return (readdirSync(path.join(repoRoot, 'app'), { recursive: true, encoding: 'utf8' }) as string[])
    .filter((file) => path.basename(file) === 'route.ts')
    .map((file) => path.join('app', file))
    .sort();
}

/** Route groups `(console)` and parallel slots `@panel` are not part of the URL. */
function urlPattern(file: string): string {
  const parts = path.dirname(file).split(path.sep).slice(1).filter((part) => !/^\(.*\)$/.test(part) && !part.startsWith('@'));
  return `/${parts.join('/')}`;
}

async function loadRoute(file: string, cookies: Record<Caller, string>): Promise<SweptRoute> {
  const source = readFileSync(path.join(repoRoot, file), 'utf8');
  const module = (await import(/* @vite-ignore */ path.join(repoRoot, file))) as Record<string, unknown>;
  const handlers = Object.fromEntries(METHODS.filter((method) => typeof module[method] === 'function').map((method) => [method, module[method]]));
  const pattern = urlPattern(file);
  return {
    pattern,
    segments: [...pattern.matchAll(SEGMENT)].map((match) => ({ name: match[2], catchAll: match[1] !== undefined })),
    handlers,
    source,
    inputKeys: routeInputKeys(source, repoRoot),
    readsQuery: /searchParams|nextUrl/.test(source),
    cookies,
  };
}

const methodsOf = (route: SweptRoute) => METHODS.filter((method) => route.handlers[method]);

/**
 * A plain value per dynamic segment: real where a read needs one to get as
 * far as its query (a shard of the fleet, a seeded tier), and never a user or
 * an object that exists, so no mutation of the sweep finds something to act on.
 */
function plainSegmentValue(name: string): string {
  const values: Record<string, string> = {
    shardId: controlDb.fleet.shards[0].id,
    tier: 'free',
    id: '00000000-0000-4000-8000-000000000000',
    eventId: '999999999',
    statementHash: '0'.repeat(32),
  };
  return values[name] ?? 'sweep-nobody';
}

function concretePath(route: SweptRoute, values: Record<string, string>): string {
  return route.pattern.replace(SEGMENT, (_whole, _catchAll, name: string) => encodeURIComponent(values[name]));
}

const plainPath = (route: SweptRoute) => concretePath(route, Object.fromEntries(route.segments.map(({ name }) => [name, plainSegmentValue(name)])));

/** Public in lib/auth/guard.ts and not a bearer-token route (which checks its own token). */
const isOpenToAnyone = (route: SweptRoute) => isPublicPath(plainPath(route)) && !isBearerTokenPath(plainPath(route));

const stats = { requests: 0, statuses: new Map<number, number>() };

/** What no answer may contain, whatever its status. */
function leaksIn(text: string): string[] {
  const secrets = [process.env.SHARDSCOPE_SESSION_SECRET, new URL(controlDb.fleet.control.url).password].filter((secret) => secret && secret.length >= 8);
  return [
    // A V8 frame, raw or JSON-escaped: `at fn (/path/file.ts:1:2)` or `at /path/file.ts:1:2`.
    /\bat (?:[\w$.<>[\] ]+ \()?(?:file:\/\/|node:)?[\w./@-]*(?:\.[cm]?[jt]sx?|node:[\w/]+):\d+:\d+/.test(text) ? 'a stack trace' : null,
    /postgres(?:ql)?:\/\//i.test(text) ? 'a postgres URL' : null,
    secrets.some((secret) => text.includes(secret!)) ? 'a secret' : null,
  ].filter((leak): leak is string => leak !== null);
}

async function send(probe: Probe): Promise<Outcome> {
  const { route, method } = probe;
  const values = Object.fromEntries(route.segments.map(({ name }) => [name, probe.segments?.[name] ?? plainSegmentValue(name)]));
  const search = new URLSearchParams(probe.query ?? {}).toString();
  const headers: Record<string, string> = { host: CONSOLE_HOST };
  if (probe.who !== 'anonymous') headers.cookie = route.cookies[probe.who];
  const origin = probe.origin === undefined ? SAME_ORIGIN : probe.origin;
  if (isMutation(method) && origin !== null) headers.origin = origin;
  if (isMutation(method)) headers['content-type'] = 'application/json';
  const request = new NextRequest(`${SAME_ORIGIN}${concretePath(route, values)}${search ? `?${search}` : ''}`, {
    method,
    headers,
    body: isMutation(method) ? (probe.body?.text() ?? '{}') : undefined,
  });
  const params = Object.fromEntries(route.segments.map(({ name, catchAll }) => [name, catchAll ? [values[name]] : values[name]]));
  let timer: NodeJS.Timeout | undefined;
  const hung = new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), HUNG_AFTER_MS)));
  const response = await Promise.race([route.handlers[method]!(request, { params: Promise.resolve(params) }), hung]);
  clearTimeout(timer);
  stats.requests += 1;
  if (!response) return { probe, status: 0, problems: [`no answer within ${HUNG_AFTER_MS / 1000} s`], excerpt: '' };
  const text = await response.text();
  stats.statuses.set(response.status, (stats.statuses.get(response.status) ?? 0) + 1);
  const problems = [...(response.status >= 500 ? [`a ${response.status}`] : []), ...leaksIn(text).map((leak) => `leaked ${leak}`)];
  return { probe, status: response.status, problems, excerpt: text.slice(0, 300) };
}

/** Bounded concurrency: the fleet and the control pool see at most BATCH_SIZE requests at once. */
async function sendAll(probes: Probe[]): Promise<Outcome[]> {
  const outcomes: Outcome[] = [];
  for (let start = 0; start < probes.length; start += BATCH_SIZE) outcomes.push(...(await Promise.all(probes.slice(start, start + BATCH_SIZE).map(send))));
  return outcomes;
}

const shorten = (value: string) => JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…(${value.length} chars)` : value);

function describeOutcome({ probe, status, excerpt }: Outcome, complaint: string): string {
  const search = probe.query ? `?${Object.entries(probe.query).map(([key, value]) => `${key}=${shorten(value)}`).join('&')}` : '';
  const segments = Object.entries(probe.segments ?? {}).map(([name, value]) => ` [${name}]=${shorten(value)}`).join('');
  return `${probe.method} ${probe.route.pattern}${search}${segments} as ${probe.who} (${probe.label}): ${complaint}; got ${status} ${excerpt}`;
}

/** Every 5xx, leak or hang, whatever the phase expected otherwise. */
const problemsOf = (outcomes: Outcome[]) => outcomes.flatMap((outcome) => outcome.problems.map((problem) => describeOutcome(outcome, problem)));

let routes: SweptRoute[] = [];

describe('every route on disk, swept', () => {
  beforeAll(async () => {
    await controlDb.create();
    const files = routeFiles();
    const cookies = await controlDb.withControl(async (client) => {
      const issue = (role: Caller) =>
        issueSessionCookie(client, { user: `it-${role}`, role, secret: process.env.SHARDSCOPE_SESSION_SECRET!, ttlSeconds: 3600 });
      const perRoute: Record<Caller, string>[] = [];
      while (perRoute.length < files.length) perRoute.push({ viewer: await issue('viewer'), admin: await issue('admin') });
      return perRoute;
    });
    routes = await Promise.all(files.map((file, index) => loadRoute(file, cookies[index])));
  });

  afterAll(async () => {
    const statuses = [...stats.statuses].sort(([a], [b]) => a - b).map(([status, count]) => `${status}×${count}`).join(' ');
    const methodCount = routes.reduce((sum, route) => sum + methodsOf(route).length, 0);
    console.log(`[route-sweep] ${routes.length} routes, ${methodCount} methods, ${stats.requests} requests, statuses ${statuses}`);
    await controlDb.drop();
  });

  it('finds every route file with at least one method, and each publicRoute handler sits on a public path', () => {
    expect(routes.length).toBeGreaterThan(0);
    expect(routes.filter((route) => methodsOf(route).length === 0).map((route) => route.pattern)).toEqual([]);
    const unreachable = routes.filter((route) => route.source.includes('publicRoute(') && !isPublicPath(plainPath(route)));
    expect(unreachable.map((route) => `${route.pattern}: a publicRoute handler the proxy never lets an anonymous caller reach (not public in lib/auth/guard.ts)`)).toEqual([]);
  });

  it('refuses anonymous callers with 401 on every method, except the public and bearer-token paths of lib/auth/guard.ts', async () => {
    const outcomes = await sendAll(routes.flatMap((route) => methodsOf(route).map((method) => ({ route, method, who: 'anonymous' as const, label: 'no cookie' }))));
    const wrong = outcomes.flatMap((outcome) => {
      const route = outcome.probe.route;
      const urlPath = plainPath(route);
      if (isBearerTokenPath(urlPath)) {
        // Without its token a machine route is 401; switched off (its env variable unset) it may be 404.
        const variable = /SHARDSCOPE_\w+_TOKEN/.exec(route.source)?.[0];
        const accepted = variable && process.env[variable] ? [401] : [401, 404];
        return accepted.includes(outcome.status) ? [] : [describeOutcome(outcome, `expected ${accepted.join(' or ')} (bearer-token path)`)];
      }
      if (isPublicPath(urlPath)) return outcome.status === 401 ? [describeOutcome(outcome, 'a public path refused an anonymous caller')] : [];
      return outcome.status === 401 ? [] : [describeOutcome(outcome, 'expected 401')];
    });
    expect([...wrong, ...problemsOf(outcomes)]).toEqual([]);
  });

  it('refuses a viewer every mutation but the few allowlisted ones, and the allowlist names real routes that need it', async () => {
    expect(VIEWER_MUTATIONS.length).toBeLessThanOrEqual(MAX_VIEWER_MUTATIONS);
    const probes = routes.flatMap((route) =>
      methodsOf(route)
        // A public path is open to anyone: a viewer may do there what an anonymous caller may.
        .filter((method) => isMutation(method) && !isOpenToAnyone(route))
        .map((method) => ({ route, method, who: 'viewer' as const, label: 'same origin, {}' })),
    );
    const outcomes = await sendAll(probes);
    const key = (outcome: Outcome) => `${outcome.probe.method} ${outcome.probe.route.pattern}`;
    const wrong = outcomes.flatMap((outcome) => {
      const allowed = VIEWER_MUTATIONS.includes(key(outcome));
      if (allowed && outcome.status === 403) return [describeOutcome(outcome, 'allowlisted for viewers but refused: drop it from VIEWER_MUTATIONS')];
      if (!allowed && outcome.status !== 403) return [describeOutcome(outcome, 'expected 403: a mutation needing only viewer must be listed in VIEWER_MUTATIONS')];
      return [];
    });
    const swept = new Set(outcomes.map(key));
    expect(VIEWER_MUTATIONS.filter((entry) => !swept.has(entry)).map((entry) => `${entry}: allowlisted but no such route`)).toEqual([]);
    expect([...wrong, ...problemsOf(outcomes)]).toEqual([]);
  });

  it('refuses every mutation with a foreign or missing Origin with 403, even for an admin', async () => {
    const probes = routes.flatMap((route) =>
      methodsOf(route)
        .filter(isMutation)
        .flatMap((method) => [
          { route, method, who: 'admin' as const, label: `Origin ${FOREIGN_ORIGIN}`, origin: FOREIGN_ORIGIN },
          { route, method, who: 'admin' as const, label: 'no Origin', origin: null },
        ]),
    );
    const outcomes = await sendAll(probes);
    const wrong = outcomes.filter((outcome) => outcome.status !== 403).map((outcome) => describeOutcome(outcome, 'expected 403'));
    expect([...wrong, ...problemsOf(outcomes)]).toEqual([]);
  });

  it('answers hostile paths, query strings and bodies from an admin without a 5xx, a stack trace or a database URL', { timeout: 300_000 }, async () => {
    const queryValues = [...INJECTION_STRINGS, ...QUERY_ONLY_INJECTIONS];
    const probes = routes.flatMap((route) =>
      methodsOf(route).flatMap((method): Probe[] => {
        const base = { route, method, who: 'admin' as const };
        const onSegments = route.segments.flatMap(({ name }) =>
          INJECTION_STRINGS.map((value) => ({ ...base, label: `path segment ${name}`, segments: { [name]: value } })),
        );
        // The parameters the route names, each alone (so it is the one parsed and used); the common names all at once.
        const named = route.readsQuery && !isMutation(method) ? route.inputKeys : [];
        const onNamedParams = named.flatMap((key) => queryValues.map((value) => ({ ...base, label: `query ${key}`, query: { [key]: value } })));
        const everyKey = [...new Set([...COMMON_QUERY_KEYS, ...route.inputKeys])];
        const onAllParams = queryValues.map((value) => ({ ...base, label: 'every query parameter', query: Object.fromEntries(everyKey.map((key) => [key, value])) }));
        const bodies = isMutation(method) ? [...WHOLE_BODIES, ...fieldBodies(route.inputKeys)] : [];
        const onBodies = bodies.map((body) => ({ ...base, label: `body: ${body.label}`, body }));
        return [...onSegments, ...onNamedParams, ...onAllParams, ...onBodies];
      }),
    );
    expect(problemsOf(await sendAll(probes))).toEqual([]);
  });
});
