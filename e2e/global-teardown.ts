import { execFileSync } from 'node:child_process';
import { E2E_SERVER_ENV } from './e2e-env';

export default function globalTeardown(): void {
  execFileSync('bash', ['scripts/sandbox.sh', 'down', '--purge'], { env: { ...process.env, ...E2E_SERVER_ENV }, stdio: 'inherit' });
}
