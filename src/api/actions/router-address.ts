// Where clients open router WebSockets: this service itself, at its externally visible base URL.
import type { ApiDeps } from '../deps.js';

/** `ws://` or `wss://` form of the base URL (no trailing slash). */
export const routerAddress = (deps: Pick<ApiDeps, 'baseUrl'>): string =>
  deps.baseUrl.replace(/^http(s?):\/\//, 'ws$1://').replace(/\/+$/, '');
