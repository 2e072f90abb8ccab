import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * The hostile input catalogue of the route sweep (route-sweep.test.ts), and
 * how the sweep finds which inputs a route reads: from the source text of the
 * route file and the lib/ modules it imports, so a new route or a new field is
 * covered without editing the sweep. Every value here must fail validation:
 * the sweep sends them as admin to routes that act (terminate, move, sign out).
 */

/** A 10k-character value: past every length limit a field should have. */
const LONG_TEXT = 'x'.repeat(10_000);

/**
 * What goes into every dynamic path segment and every query parameter. Path
 * segments reach handlers decoded (Next decodes them), so `%` and `%zz` are
 * literal percent signs in the value: what a handler decoding again chokes on.
 */
export const INJECTION_STRINGS: readonly string[] = [
  "'; drop table audit_log; --",
  "1' or '1'='1",
  '../../etc/passwd',
  '..%2f..%2fetc%2fpasswd',
  '%00',
  'nul\u0000byte',
  '%',
  '%zz',
  LONG_TEXT,
  '-1',
  '0',
  '1e309',
  '9'.repeat(40),
  'NaN',
  'Infinity',
  'ünïcödé-表-🚀-\u202e',
  '<script>alert(1)</script>',
  '$1 %s %n {}',
  'null',
  '[]',
  'line\r\nbreak',
];

/** Query values that only make sense in a query string (a path segment cannot be empty). */
export const QUERY_ONLY_INJECTIONS: readonly string[] = [''];

/** Parameters many APIs read: tried on every route, beside those found in its source. */
export const COMMON_QUERY_KEYS: readonly string[] = [
  'id', 'name', 'q', 'limit', 'after', 'before', 'cursor', 'sort', 'dir', 'order', 'page', 'pageSize',
  'range', 'window', 'from', 'to', 'format', 'state', 'shardId', 'nodeId', 'tenantId',
];

/** 2 MB: past any body a console form sends, small enough to build per request. */
const HUGE_TEXT = 'y'.repeat(2 * 1024 * 1024);
/** Deep enough that a recursive walk (JSON.stringify of an audit detail, a schema) overflows the stack. */
const NESTING_DEPTH = 100_000;
const deepArray = () => '['.repeat(NESTING_DEPTH) + ']'.repeat(NESTING_DEPTH);
const deepObject = () => '{"a":'.repeat(NESTING_DEPTH) + '1' + '}'.repeat(NESTING_DEPTH);

export interface HostileBody {
  label: string;
  /** Raw request body text: not always JSON. */
  text: () => string;
}

/** Whole bodies: not JSON, JSON of the wrong shape, pollution, deep nesting. */
export const WHOLE_BODIES: readonly HostileBody[] = [
  { label: 'empty body', text: () => '' },
  { label: 'bad JSON', text: () => '{"unterminated": ' },
  { label: 'not JSON', text: () => "'; drop table audit_log; --" },
  { label: 'null', text: () => 'null' },
  { label: 'array', text: () => '[1,2,3]' },
  { label: 'string', text: () => '"a string"' },
  { label: 'number', text: () => '1e309' },
  { label: 'prototype pollution', text: () => '{"__proto__":{"role":"admin"},"constructor":{"prototype":{"role":"admin"}}}' },
  { label: 'deep array', text: deepArray },
  { label: 'deep object', text: deepObject },
  { label: '2 MB string', text: () => JSON.stringify(HUGE_TEXT) },
];

/**
 * Values of the wrong type for a field (arrays, objects, numbers, null where
 * strings go, strings where numbers go), past its limits, or hostile text.
 * As raw JSON text, so a deep value is never built as an object here.
 */
const FIELD_VALUES: readonly { label: string; json: () => string }[] = [
  { label: 'array', json: () => '["a",1,null]' },
  { label: 'object', json: () => '{"nested":{"x":1}}' },
  { label: 'number', json: () => '12345' },
  { label: 'negative', json: () => '-1' },
  { label: 'overflowing number', json: () => '1e309' },
  { label: 'fraction', json: () => '0.5' },
  { label: 'null', json: () => 'null' },
  { label: 'boolean', json: () => 'false' },
  { label: 'number as text', json: () => '"12345"' },
  { label: 'injection', json: () => JSON.stringify("'; drop table audit_log; --") },
  { label: '10k string', json: () => JSON.stringify(LONG_TEXT) },
  { label: '2 MB string', json: () => JSON.stringify(HUGE_TEXT) },
  { label: 'deep nesting', json: deepObject },
];

/** One body per (field, wrong value): each field alone, so it is the one the route trips on. */
export function fieldBodies(fields: readonly string[]): HostileBody[] {
  return fields.flatMap((field) =>
    FIELD_VALUES.map((value) => ({ label: `${field}=${value.label}`, text: () => `{${JSON.stringify(field)}:${value.json()}}` })),
  );
}

/** `key: z.…`, `key: optionalText(…)`, `key: nameField`, `key: newPassword.optional()`: the fields of zod objects. */
const SCHEMA_KEY = /\b([A-Za-z_]\w*)\s*:\s*(?:z\.|[A-Za-z_]\w*\(|[A-Za-z_]\w*(?:Field|Shape|Schema)\b|[A-Za-z_]\w*\.(?:optional|nullable|nullish|default)\()/g;
/** `z.object({ name: userName, role: … })` on one line: keys whose value is any identifier. */
const INLINE_OBJECT = /z\.(?:strict|loose)?[oO]bject\(\{([^{}]*)\}/g;
/** `searchParams.get('x')` and its kin. */
const SEARCH_PARAM_READ = /searchParams\.(?:get|getAll|has)\(\s*['"`]([^'"`]+)['"`]/g;

/** The field and parameter names in some sources. */
function inputKeysIn(sources: readonly string[]): string[] {
  const keys = new Set<string>();
  for (const source of sources) {
    for (const match of source.matchAll(SCHEMA_KEY)) keys.add(match[1]);
    for (const match of source.matchAll(INLINE_OBJECT)) for (const key of match[1].matchAll(/([A-Za-z_]\w*)\s*:/g)) keys.add(key[1]);
    for (const match of source.matchAll(SEARCH_PARAM_READ)) keys.add(match[1]);
  }
  // SHOUTING_CASE names are constants and env variables (lib/env.ts), never a field a client sends.
  for (const key of keys) if (/^[A-Z0-9_]+$/.test(key)) keys.delete(key);
  return [...keys].sort();
}

/** The source of a `@/lib/...` module, or nothing when it is not a TypeScript file of the repository. */
function libSource(repoRoot: string, modulePath: string): string {
  const file = ['.ts', '.tsx', '/index.ts'].map((suffix) => path.join(repoRoot, modulePath + suffix)).find(existsSync);
  return file ? readFileSync(file, 'utf8') : '';
}

/** The inputs a route reads: named in its route file or in the lib modules it imports (where its schemas live). */
export function routeInputKeys(routeSource: string, repoRoot: string): string[] {
  const libModules = [...routeSource.matchAll(/from\s+['"]@\/(lib\/[^'"]+)['"]/g)].map((match) => match[1]);
  return inputKeysIn([routeSource, ...libModules.map((modulePath) => libSource(repoRoot, modulePath))]);
}
