// Which family each route belongs to in the OpenAPI document, by its path: one tag per resource the
// CLI's command groups and the reference's API chapters name.

/** Path prefixes to tags; the first match wins, so longer prefixes come first. */
const TAGS: readonly (readonly [RegExp, string])[] = [
  [/^\/api\/workflow\/[^/]+\/(exec|portforward|rsync|webserver)|^\/api\/plugins/, 'action'],
  [/^\/api\/(workflow|tag|users$)|^\/api\/pool\/[^/]+\/workflow/, 'workflow'],
  [/^\/api\/task/, 'task'],
  [/^\/api\/(pool|resources)/, 'pool'],
  [/^\/api\/app/, 'app'],
  [/^\/api\/bucket/, 'dataset'],
  [/^\/api\/credentials/, 'credential'],
  [/^\/api\/(auth|profile)|^\/\.well-known\/oauth-/, 'auth'],
  [/^\/api\/configs/, 'config'],
  [/^\/api\/usage/, 'usage'],
  [/^\/api\/mcp|^\/mcp/, 'mcp'],
];

export const SYSTEM_TAG = 'system';

/** The tag of a route; anything else (health, version, metrics, the docs) is `system`. */
export function routeTag(url: string): string {
  return TAGS.find(([pattern]) => pattern.test(url))?.[1] ?? SYSTEM_TAG;
}
