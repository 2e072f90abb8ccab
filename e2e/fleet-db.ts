import { readFileSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { E2E_SANDBOX } from './e2e-env';

/** Direct connections to the e2e sandbox, playing an application (role `app`) or an operator at psql. */
function sandboxPassword(): string {
  const secrets = readFileSync(path.resolve('.sandbox', E2E_SANDBOX.name, 'secrets.env'), 'utf8');
  return /^SANDBOX_PASSWORD=(\S+)$/m.exec(secrets)![1];
}

export async function connectAsApp(shard: number, applicationName: string): Promise<pg.Client> {
  const client = new pg.Client({
    connectionString: `postgres://app:${sandboxPassword()}@127.0.0.1:${E2E_SANDBOX.basePort + shard * 10}/app`,
    application_name: applicationName,
  });
  client.on('error', () => {});
  await client.connect();
  return client;
}
