// The stateful identity services one running service holds: login throttle, pending device logins, the credential vault.
import type { CredentialVault, DeviceGrants, LoginThrottle } from '../../identity/index.js';

export interface IdentityServices {
  readonly throttle: LoginThrottle;
  readonly grants: DeviceGrants;
  readonly vault: CredentialVault;
}
