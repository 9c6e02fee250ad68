// The `--port` argument of `osmo workflow port-forward`: comma-separated `L`, `L:R`, `A-B` or `A-B:C-D`.

export interface PortPair {
  readonly local: number;
  readonly remote: number;
}

/** The message of a port spec the CLI refuses, as upstream words it. */
export class PortSpecError extends Error {}

function portRange(text: string, item: string): number[] {
  const bounds = text.split('-');
  if (bounds.length > 2 || bounds.some((b) => !/^\d+$/.test(b))) {
    throw new PortSpecError(
      `Invalid port format: ${item}. Please use format <integer>:<integer> or <integer>.`,
    );
  }
  const values = bounds.map(Number);
  for (const value of values) {
    if (value < 0 || value > 65535) throw new PortSpecError(`Invalid port value: ${value}`);
  }
  const [start, end] = values as [number, number?];
  if (end === undefined) return [start];
  if (start >= end) throw new PortSpecError(`Invalid port value: ${text}`);
  return Array.from({ length: end - start + 1 }, (_, i) => start + i);
}

/** Every local/remote pair the spec names, in order. */
export function parsePortSpec(spec: string): PortPair[] {
  const pairs: PortPair[] = [];
  for (const item of spec.split(',')) {
    const sides = item.split(':');
    if (sides.length > 2) {
      throw new PortSpecError(
        `Invalid port format: ${item}. Please use format <integer>:<integer> or <integer>.`,
      );
    }
    const local = portRange(sides[0] ?? '', item);
    const remote = sides[1] === undefined ? local : portRange(sides[1], item);
    if (local.length !== remote.length) {
      throw new PortSpecError(
        `Invalid number of ports provided. Local port are ${local.length} and remote ports are ${remote.length}`,
      );
    }
    local.forEach((l, i) => pairs.push({ local: l, remote: remote[i] as number }));
  }
  return pairs;
}
