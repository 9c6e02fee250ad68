// The login of the service's own HTML pages (device approval, OAuth authorization): a password, or in
// dev mode a username alone, which creates the user with the user role on first use.
import { userError } from '../../core/index.js';
import { USER_ROLE_NAME } from '../../identity/index.js';
import type { IdentityServices } from './identity-services.js';
import { checkPassword } from './password-login.js';
import type { SessionDeps } from './sessions.js';

export interface PageLoginDeps {
  readonly store: SessionDeps['store'];
  readonly now: () => Date;
  readonly identity: Pick<IdentityServices, 'throttle'>;
  readonly devMode: boolean;
}

/** Resolves when `user` has proved who they are; throws the reason (an OsmoError) otherwise. */
export async function pageLogin(
  deps: PageLoginDeps,
  form: { readonly user: string; readonly password: string; readonly source: string },
): Promise<void> {
  if (form.user === '') throw userError('Enter a username.', 401);
  if (deps.devMode && form.password === '') {
    await deps.store.users.upsert(form.user, 'dev-login', deps.now());
    if ((await deps.store.users.getRoles(form.user)).length === 0) {
      await deps.store.users.addRoles(form.user, [USER_ROLE_NAME], 'osmo', deps.now());
    }
    return;
  }
  await checkPassword(
    { store: deps.store, throttle: deps.identity.throttle },
    form.user,
    form.password,
    form.source,
  );
}
