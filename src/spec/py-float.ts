// Python float semantics the spec inherits from upstream: YAML floats stay floats, and print like Python's repr.

/** A float from YAML or `--set`, kept apart from integers so `2.0` does not print as `2`. */
export class PyFloat {
  constructor(readonly value: number) {}
}

/** Python's `repr(float)`: `2.0`, `1e-08`, `1e+16`, `inf`, `nan`. */
export function pyFloatRepr(value: number): string {
  if (Number.isNaN(value)) return 'nan';
  if (!Number.isFinite(value)) return value > 0 ? 'inf' : '-inf';
  if (value === 0) return Object.is(value, -0) ? '-0.0' : '0.0';
  const abs = Math.abs(value);
  if (abs >= 1e16 || abs < 1e-4) {
    const [mantissa = '', exponent = '0'] = value.toExponential().split('e');
    const exp = Number(exponent);
    const sign = exp < 0 ? '-' : '+';
    return `${mantissa}e${sign}${String(Math.abs(exp)).padStart(2, '0')}`;
  }
  const text = String(value);
  return text.includes('.') || text.includes('e') ? text : `${text}.0`;
}
