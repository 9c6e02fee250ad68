// A client-side request budget for one cluster (a token bucket): a busy engine never floods the API
// server, which would throttle or drop every client of the cluster, not just this one.

/** Upstream's client settings: 20 requests a second, bursts of 30. */
export const DEFAULT_QPS = 20;
export const DEFAULT_BURST = 30;

export class RequestBudget {
  private tokens: number;
  private last: number;
  private readonly waiting: (() => void)[] = [];
  private timer: NodeJS.Timeout | null = null;
  /** Requests taken so far (what the tests and metrics read). */
  taken = 0;

  constructor(
    readonly qps = DEFAULT_QPS,
    readonly burst = DEFAULT_BURST,
    private readonly now: () => number = Date.now,
  ) {
    if (!(qps > 0) || !(burst >= 1)) throw new Error('A request budget needs qps > 0 and burst >= 1');
    this.tokens = burst;
    this.last = now();
  }

  private refill(): void {
    const now = this.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.qps);
    this.last = now;
  }

  /** Resolves once a request may go; callers queue in arrival order. */
  take(): Promise<void> {
    this.refill();
    if (this.waiting.length === 0 && this.tokens >= 1) {
      this.tokens -= 1;
      this.taken += 1;
      return Promise.resolve();
    }
    return new Promise<void>((resolve) => {
      this.waiting.push(resolve);
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.timer !== null || this.waiting.length === 0) return;
    const waitMs = Math.max(1, Math.ceil(((1 - this.tokens) / this.qps) * 1000));
    this.timer = setTimeout(() => {
      this.timer = null;
      this.refill();
      while (this.tokens >= 1 && this.waiting.length > 0) {
        this.tokens -= 1;
        this.taken += 1;
        this.waiting.shift()?.();
      }
      this.schedule();
    }, waitMs);
    this.timer.unref();
  }
}
