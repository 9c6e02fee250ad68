// Checks a username and password behind the brute-force throttle; the one place a password is verified.
import { userError } from '../../core/index.js';
import { burnPasswordCheck, verifyPassword } from '../../identity/index.js';
import type { LoginThrottle } from '../../identity/index.js';
import type { Store } from '../../store/index.js';

/** The same answer for an unknown user and a wrong password, so names cannot be probed. */
const REFUSED = 'Invalid username or password.';

export async function checkPassword(
  deps: { readonly store: Store; readonly throttle: LoginThrottle },
  user: string,
  password: string,
  source: string,
): Promise<void> {
  deps.throttle.check(user, source);
  const hash = await deps.store.accounts.getPasswordHash(user);
  const ok =
    hash === null ? (await burnPasswordCheck(password), false) : await verifyPassword(password, hash);
  if (!ok) {
    deps.throttle.recordFailure(user, source);
    throw userError(REFUSED, 401);
  }
  deps.throttle.recordSuccess(user);
}
