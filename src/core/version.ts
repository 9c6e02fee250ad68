// The one version string of this build, shared by the CLI and the service.
export const OSMO_VERSION = '0.1.0';
