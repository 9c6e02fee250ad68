// Who is calling: resolved from a verified access token, never from a header the client sets.

export const ADMIN_ROLE = 'osmo-admin';
export const USER_ROLE = 'osmo-user';

export interface Caller {
  readonly user: string;
  readonly roles: readonly string[];
  /** Set when the caller authenticated with a personal access token. */
  readonly tokenName: string | null;
  /**
   * Set when the caller is a task's `osmo` CLI: the workflow user's roles without the admin role, and
   * never the routes that manage credentials or tokens (auth/task-scope.ts).
   */
  readonly taskScoped?: boolean;
}

export const isAdmin = (caller: Caller): boolean => caller.roles.includes(ADMIN_ROLE);
