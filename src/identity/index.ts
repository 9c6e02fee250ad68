// Identity's public surface: passwords, login throttling, device grants, OAuth codes, roles and pool access, credentials.
export { hashPassword, verifyPassword, burnPasswordCheck, MIN_PASSWORD_LENGTH } from './password-hash.js';
export { LoginThrottle, USER_POLICY, SOURCE_POLICY, lockSeconds } from './login-throttle.js';
export type { ThrottlePolicy } from './login-throttle.js';
export { DeviceGrants, DEVICE_POLL_INTERVAL_SECONDS, normaliseUserCode } from './device-grants.js';
export type { DevicePoll } from './device-grants.js';
export { ADMIN_ROLE_NAME, USER_ROLE_NAME } from './role-names.js';
export { DEFAULT_ROLES, USER_ROLE_POOL, canUsePool, allowedPools, roleExists } from './roles.js';
export type { RoleDocumentLike } from './roles.js';
export { masterKeyFrom, newMasterKeyBase64 } from './envelope.js';
export type { MasterKey } from './envelope.js';
export { checkCredentialName, normaliseCredential, CREDENTIAL_NAME } from './credential-payload.js';
export type { NormalisedCredential } from './credential-payload.js';
export { createCredentialVault } from './credential-vault.js';
export type { CredentialVault, CredentialSummary, ResolvedCredential } from './credential-vault.js';
export { projectCredentials } from './credential-projection.js';
export type { CredentialProjection } from './credential-projection.js';
export { AuthorizationCodes, PKCE_VALUE, s256Challenge } from './authorization-codes.js';
export { redirectUriMatches, redirectUriRefusal, MAX_REDIRECT_URI_LENGTH } from './redirect-uris.js';
