// The versions of this build, in the one place the CLI and the service read them.

/** osmo's own release; package.json carries the same number (a test keeps the two equal). */
export const OSMO_VERSION = '0.1.0';

/**
 * The upstream OSMO release whose CLI and API osmo speaks. `osmo version`, `GET /api/version` and the
 * `x-osmo-client-version` header report it, so tools that gate on an OSMO release (the agent skill wants
 * 6.3.0 or newer) and upstream services that gate on a client version accept osmo.
 */
export const COMPATIBLE_OSMO_VERSION = { major: '6', minor: '4', revision: '0', hash: '' } as const;

export interface VersionParts {
  readonly major: string;
  readonly minor: string;
  readonly revision: string;
  readonly hash: string;
}

/** `6.4.0`, or `6.4.0.<hash>` when a hash is set, as upstream writes a version. */
export const versionText = (v: VersionParts): string =>
  `${v.major}.${v.minor}.${v.revision}${v.hash === '' ? '' : `.${v.hash}`}`;

export const COMPATIBLE_OSMO_VERSION_TEXT = versionText(COMPATIBLE_OSMO_VERSION);
