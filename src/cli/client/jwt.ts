// Reads JWT claims without checking the signature: the CLI only needs `exp` and `name`.

export function jwtClaims(token: string): Record<string, unknown> {
  const payload = token.split('.')[1];
  if (payload === undefined) return {};
  try {
    const parsed: unknown = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    return typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : {};
  } catch {
    // An opaque token has no readable claims; treat it as claim-less rather than failing the command.
    return {};
  }
}

/** True when `exp - 3 s` has passed; tokens without `exp` never expire. */
export function isTokenExpired(token: string, nowSeconds: number): boolean {
  const exp = jwtClaims(token)['exp'];
  return typeof exp === 'number' && exp - 3 < nowSeconds;
}
