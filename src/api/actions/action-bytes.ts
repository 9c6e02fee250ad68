// The bytes action sessions relay, per action and direction, kept when the workflow plugins config
// turns telemetry on (`plugins_config.rsync.enable_telemetry`, upstream's switch for all of them).
// `input` is what goes into the task (what the client sends), `output` what comes out of it; the
// names upstream gives them are `<ACTION>_INPUT` and `<ACTION>_OUTPUT`.

export const METERED_ACTIONS = ['EXEC', 'PORTFORWARD', 'RSYNC', 'WEBSERVER'] as const;
export type MeteredAction = (typeof METERED_ACTIONS)[number];
export type ActionDirection = 'input' | 'output';

/** Where one session adds the bytes it relays. */
export interface ByteMeter {
  /** Bytes from the client into the task. */
  input(bytes: number): void;
  /** Bytes from the task to the client. */
  output(bytes: number): void;
}

export interface ActionByteTotal {
  readonly action: MeteredAction;
  readonly direction: ActionDirection;
  /** Upstream's metric name: `<ACTION>_INPUT` or `<ACTION>_OUTPUT`. */
  readonly metric: string;
  readonly bytes: number;
}

export const actionMetricName = (action: MeteredAction, direction: ActionDirection): string =>
  `${action}_${direction.toUpperCase()}`;

/** Running totals since the service started; a session adds to its action's pair as bytes pass. */
export class ActionByteTally {
  private readonly totals = new Map<MeteredAction, { input: number; output: number }>();

  /** A meter adding to `action`'s totals. */
  meter(action: MeteredAction): ByteMeter {
    let pair = this.totals.get(action);
    if (pair === undefined) {
      pair = { input: 0, output: 0 };
      this.totals.set(action, pair);
    }
    const totals = pair;
    return {
      input: (bytes) => void (totals.input += bytes),
      output: (bytes) => void (totals.output += bytes),
    };
  }

  /** Every action and direction that has had a metered session, in a stable order. */
  entries(): ActionByteTotal[] {
    const out: ActionByteTotal[] = [];
    for (const action of METERED_ACTIONS) {
      const pair = this.totals.get(action);
      if (pair === undefined) continue;
      for (const direction of ['input', 'output'] as const) {
        out.push({ action, direction, metric: actionMetricName(action, direction), bytes: pair[direction] });
      }
    }
    return out;
  }
}

/** The meter a new session of `action` uses: none while telemetry is off. */
export function sessionMeter(
  tally: ActionByteTally,
  telemetryOn: boolean,
  action: MeteredAction,
): ByteMeter | null {
  return telemetryOn ? tally.meter(action) : null;
}
