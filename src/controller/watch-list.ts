// Which workflows the engine's next pass looks at: those an event touched, those with a timeout due,
// and every alive one on a slow sweep, so a pass costs what changed, not what is alive.

export class WatchList {
  private readonly touched = new Set<string>();
  /** Workflow uuid → when its earliest queue or exec timeout falls due (ms since the epoch). */
  private readonly deadlines = new Map<string, number>();
  /** Workflow uuid → id, of workflows last seen alive: when one ends, its logs are archived. */
  private readonly alive = new Map<string, string>();
  private nextSweepMs = -Infinity;

  constructor(private readonly sweepIntervalMs: number) {}

  touch(workflowUuid: string): void {
    this.touched.add(workflowUuid);
  }

  /** Whether every alive workflow is due a look now (at start, then every sweep interval). */
  sweepDue(nowMs: number): boolean {
    if (nowMs < this.nextSweepMs) return false;
    this.nextSweepMs = nowMs + this.sweepIntervalMs;
    return true;
  }

  /** The workflows to look at now, in the order they were touched; they leave the list. */
  take(nowMs: number): string[] {
    for (const [uuid, at] of this.deadlines) {
      if (at > nowMs) continue;
      this.deadlines.delete(uuid);
      this.touched.add(uuid);
    }
    const due = [...this.touched];
    this.touched.clear();
    return due;
  }

  /** A pass found the workflow alive; `nextDeadlineMs` is when it must be looked at again unprompted. */
  seen(workflowUuid: string, workflowId: string, nextDeadlineMs: number | null): void {
    this.alive.set(workflowUuid, workflowId);
    if (nextDeadlineMs === null) this.deadlines.delete(workflowUuid);
    else this.deadlines.set(workflowUuid, nextDeadlineMs);
  }

  /** A pass found the workflow finished (or gone): its id when it was alive before, for the log archive. */
  ended(workflowUuid: string): string | null {
    const workflowId = this.alive.get(workflowUuid) ?? null;
    this.alive.delete(workflowUuid);
    this.deadlines.delete(workflowUuid);
    return workflowId;
  }

  get pending(): number {
    return this.touched.size;
  }
}
