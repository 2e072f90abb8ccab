import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A local HTTP receiver for notification tests: what a webhook or Slack
 * endpoint would be, on 127.0.0.1 at a random port. Each path behaves as the
 * test says (answer a status, fail the first N requests, never answer), and
 * every request is kept with its headers and parsed body.
 */

export interface ReceivedMessage {
  /** The path without the query string. */
  path: string;
  query: string;
  headers: IncomingHttpHeaders;
  body: unknown;
  at: number;
}

/** What one path does with its n-th request (1-based): a status to answer, or 'hang' (never answer). */
export type PathBehaviour = (requestNumber: number) => number | 'hang';

export interface NotificationReceiver {
  /** `http://127.0.0.1:<port>` */
  origin: string;
  /** `127.0.0.1:<port>`: what the console shows instead of the URL. */
  host: string;
  messages: ReceivedMessage[];
  on(path: string, behaviour: PathBehaviour): void;
  received(path: string): ReceivedMessage[];
  close(): Promise<void>;
}

export const answer =
  (status: number): PathBehaviour =>
  () =>
    status;

/** Fails the first `failures` requests with `status`, answers 200 after. */
export const failFirst =
  (failures: number, status = 500): PathBehaviour =>
  (requestNumber) =>
    requestNumber <= failures ? status : 200;

export const hang: PathBehaviour = () => 'hang';

export async function startReceiver(): Promise<NotificationReceiver> {
  const behaviours = new Map<string, PathBehaviour>();
  const counts = new Map<string, number>();
  const messages: ReceivedMessage[] = [];
  const hanging: ServerResponse[] = [];

  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const url = new URL(request.url ?? '/', 'http://receiver');
      const path = url.pathname;
      const text = Buffer.concat(chunks).toString('utf8');
      let body: unknown = text;
      try {
        body = JSON.parse(text);
      } catch {
        // Kept as text: the test asserts on what arrived.
      }
      messages.push({ path, query: url.search, headers: request.headers, body, at: Date.now() });
      const number = (counts.get(path) ?? 0) + 1;
      counts.set(path, number);
      const outcome = (behaviours.get(path) ?? answer(404))(number);
      if (outcome === 'hang') {
        hanging.push(response);
        return;
      }
      response.writeHead(outcome, { 'content-type': 'text/plain' });
      response.end(outcome < 300 ? 'ok' : `receiver says no (${path})`);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    origin: `http://127.0.0.1:${port}`,
    host: `127.0.0.1:${port}`,
    messages,
    on: (path, behaviour) => behaviours.set(path, behaviour),
    received: (path) => messages.filter((message) => message.path === path),
    close: () =>
      new Promise<void>((resolve) => {
        for (const response of hanging) response.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
