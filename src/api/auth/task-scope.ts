// What a task's `osmo` CLI may not do although its user may: manage credentials and tokens, log devices in.

/**
 * Route patterns (as declared in the route table) refused to a task's credential. Whatever reads or
 * makes a secret is here: credentials (`osmo credential`), personal access tokens (`osmo token`, also
 * an admin's tokens of other users) and approving a device login, which would open a session for the
 * user. Admin routes are refused already: a task never holds the admin role.
 */
const REFUSED_TO_TASKS: readonly RegExp[] = [
  /^\/api\/credentials(\/|$)/,
  /^\/api\/auth\/access_token(\/|$)/,
  /^\/api\/auth\/user\/[^/]+\/access_token(\/|$)/,
  /^\/api\/auth\/device(\/|$)/,
];

/** Whether a task's credential may call the route declared as `routeUrl`. */
export const isRouteOpenToTasks = (routeUrl: string): boolean =>
  !REFUSED_TO_TASKS.some((pattern) => pattern.test(routeUrl));

export const TASK_SCOPE_REFUSAL =
  "access denied: a task's credential cannot manage credentials or access tokens; use your own login";
