/**
 * Runs once per server start: bad configuration stops `next start` with the
 * field named, instead of surfacing as 500s later; then the env's first users.
 */
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== 'nodejs') return;
  const { seedFirstUsers, validateStartupConfig } = await import('@/lib/startup');
  validateStartupConfig();
  await seedFirstUsers();
}
