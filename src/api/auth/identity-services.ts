// The stateful identity services one running service holds: login throttle, pending device logins and
// OAuth codes, the credential vault.
import type {
  AuthorizationCodes,
  CredentialVault,
  DeviceGrants,
  LoginThrottle,
} from '../../identity/index.js';

export interface IdentityServices {
  readonly throttle: LoginThrottle;
  readonly grants: DeviceGrants;
  readonly codes: AuthorizationCodes;
  readonly vault: CredentialVault;
}
