/**
 * Logs one line when a dependency goes away and one when it is back, however
 * many calls fail in between: a control DB outage must not flood the log.
 */
export class OutageLog {
  private down = new Map<string, number>();

  constructor(private readonly log: (line: string) => void = (line) => console.error(line)) {}

  failed(dependency: string, error: unknown): void {
    if (this.down.has(dependency)) return;
    this.down.set(dependency, Date.now());
    this.log(`[worker] ${dependency} unavailable: ${(error as Error)?.message ?? String(error)} (retrying; next line when it is back)`);
  }

  /**
   * The dependency answered. `evidenceFrom`: when the work that proves it
   * began; work begun before the outage was noticed (a job whose writes
   * landed just before the control DB went away) proves nothing.
   */
  ok(dependency: string, evidenceFrom: number = Date.now()): void {
    const since = this.down.get(dependency);
    if (since === undefined || evidenceFrom < since) return;
    this.down.delete(dependency);
    this.log(`[worker] ${dependency} is back after ${Math.round((Date.now() - since) / 1000)} s`);
  }

  isDown(dependency: string): boolean {
    return this.down.has(dependency);
  }
}
