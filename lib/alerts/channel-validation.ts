import { z } from 'zod';
import { CHANNEL_KINDS, type ChannelKind } from './alert-model';

/**
 * What an admin may save as a notification channel. Pure: the body schemas,
 * the URL rules, the host shown instead of the URL, and what of a receiver's
 * answer may be quoted. Unit-tested.
 *
 * The URL is a secret (a Slack incoming webhook URL is a credential), so
 * messages here describe what is wrong with it without repeating it.
 */

export const CHANNEL_NAME_MAX = 100;
/** Far above any real webhook URL; low enough that a pasted document is refused. */
export const CHANNEL_URL_MAX = 2000;

/** Hosts a test receiver on this machine answers on: plain http is fine there, even for a Slack-format channel. */
const LOOPBACK_HOSTNAMES = new Set(['localhost', '127.0.0.1', '[::1]']);

function isLoopback(hostname: string): boolean {
  return LOOPBACK_HOSTNAMES.has(hostname.toLowerCase()) || /^127\.\d+\.\d+\.\d+$/.test(hostname);
}

/** Why `raw` cannot be the URL of a channel of `kind`, or null when it can. */
export function channelUrlProblem(kind: ChannelKind, raw: string): string | null {
  // new URL() would read "http:hooks.example.com" as absolute: ask for the scheme and slashes explicitly.
  if (!/^https?:\/\//i.test(raw)) return 'must be an absolute http(s) URL (https://…)';
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'must be an absolute http(s) URL (https://…)';
  }
  if (!url.hostname) return 'must name a host';
  if (url.username || url.password) return 'must not carry a user name or password before the host (keep the secret in the path or query)';
  if (kind === 'slack' && url.protocol !== 'https:' && !isLoopback(url.hostname)) return 'a Slack incoming webhook must use https';
  return null;
}

/** What the console shows of a saved URL: its host (and port), never the path or query that hold the secret. */
export function urlHost(raw: string): string {
  try {
    return new URL(raw).host;
  } catch {
    return 'invalid URL';
  }
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/** Path segments and query values this long may be the secret part of a webhook URL (Slack's are 24 characters). */
const SECRET_PART_MIN_CHARS = 8;

/** The parts of a URL an answer must not repeat: the URL, its path and query, and every longish segment or value of them. */
function secretParts(url: string): string[] {
  const parts = [url];
  try {
    const { pathname, search, searchParams } = new URL(url);
    parts.push(`${pathname}${search}`, pathname, search.slice(1));
    for (const segment of pathname.split('/')) parts.push(segment, safeDecode(segment));
    for (const value of searchParams.values()) parts.push(value);
  } catch {
    // An unparsable URL was never sent anywhere: the whole string is all there is to cut.
  }
  const long = parts.filter((part) => part.length >= SECRET_PART_MIN_CHARS);
  return [...new Set(long)].sort((a, b) => b.length - a.length);
}

/** Enough of a receiver's error answer to say why ("invalid_token", "no_service"), not a whole HTML page. */
const ANSWER_EXCERPT_CHARS = 200;

/** `text` (a receiver's answer) without the URL or any secret-looking part of it, on one line, shortened. */
export function withoutSecret(text: string, url: string): string {
  let cleaned = text;
  for (const part of secretParts(url)) cleaned = cleaned.split(part).join('…');
  cleaned = cleaned.replace(/\s+/g, ' ').trim();
  return cleaned.length > ANSWER_EXCERPT_CHARS ? `${cleaned.slice(0, ANSWER_EXCERPT_CHARS)}…` : cleaned;
}

const nameField = z
  .string({ error: 'must be text' })
  .trim()
  .min(1, 'must not be empty')
  .max(CHANNEL_NAME_MAX, `at most ${CHANNEL_NAME_MAX} characters`);
const kindField = z.enum(CHANNEL_KINDS, { error: `must be one of ${CHANNEL_KINDS.join(', ')}` });
const urlField = z
  .string({ error: 'must be text' })
  .trim()
  .min(1, 'must not be empty')
  .max(CHANNEL_URL_MAX, `at most ${CHANNEL_URL_MAX} characters`);
const enabledField = z.boolean({ error: 'must be true or false' });

/** POST /api/notification-channels. */
export const channelCreateSchema = z
  .object({ name: nameField, kind: kindField, url: urlField, enabled: enabledField, notifyOnAck: enabledField.optional() })
  .strict()
  .superRefine((body, context) => {
    const problem = channelUrlProblem(body.kind, body.url);
    if (problem) context.addIssue({ code: 'custom', path: ['url'], message: problem });
  });
export type ChannelCreateBody = z.infer<typeof channelCreateSchema>;

/**
 * PUT /api/notification-channels/:id: any of the fields; no url keeps the
 * saved one. The URL is checked against the resulting kind by the store,
 * which knows the saved kind and URL (checkChannelUpdate).
 */
export const channelUpdateSchema = z
  .object({
    name: nameField.optional(),
    kind: kindField.optional(),
    url: urlField.optional(),
    enabled: enabledField.optional(),
    notifyOnAck: enabledField.optional(),
  })
  .strict()
  .refine((body) => Object.keys(body).length > 0, { message: 'send at least one of name, kind, url, enabled, notifyOnAck', path: ['body'] });
export type ChannelUpdateBody = z.infer<typeof channelUpdateSchema>;

/**
 * The URL problem of an update, against what is saved: a new URL is checked
 * for the resulting kind (field url); a kind change alone is checked against
 * the saved URL (field kind: the URL the admin did not touch is fine as it is).
 */
export function checkChannelUpdate(saved: { kind: ChannelKind; url: string }, body: ChannelUpdateBody): { field: 'url' | 'kind'; message: string } | null {
  const kind = body.kind ?? saved.kind;
  if (body.url !== undefined) {
    const problem = channelUrlProblem(kind, body.url);
    return problem ? { field: 'url', message: problem } : null;
  }
  if (body.kind !== undefined && body.kind !== saved.kind) {
    const problem = channelUrlProblem(kind, saved.url);
    return problem ? { field: 'kind', message: `the saved URL does not suit a ${kind} channel (${problem}); send a new url too` } : null;
  }
  return null;
}

/** A channel id from the path: digits only (identity column), else no such channel. */
export function isChannelId(raw: string): boolean {
  return /^[1-9][0-9]{0,17}$/.test(raw);
}
