// Wire schemas of logins, users, roles, personal access tokens and the caller's profile.
import { z } from 'zod';
import { wire } from './wire-registry.js';

export const LoginInfo = wire(
  'LoginInfo',
  z.object({
    device_endpoint: z.string().nullable(),
    device_client_id: z.string().nullable(),
    browser_endpoint: z.string().nullable(),
    browser_client_id: z.string().nullable(),
    token_endpoint: z.string().nullable(),
    logout_endpoint: z.string().nullable(),
  }),
  'Where the CLI logs in: the device-authorization and token endpoints.',
);
export type LoginInfo = z.infer<typeof LoginInfo>;

export const Jwks = wire(
  'Jwks',
  z.object({ keys: z.array(z.record(z.string(), z.unknown())) }),
  'The public keys of OSMO-issued access tokens (RFC 7517).',
);

/** `expires_at` in seconds since the epoch. */
export const IssuedAccess = wire('IssuedAccess', z.object({ token: z.string(), expires_at: z.number() }));
export type IssuedAccess = z.infer<typeof IssuedAccess>;

export const IssuedSession = wire(
  'IssuedSession',
  IssuedAccess.extend({ refresh_token: z.string() }),
  'A first access token and the refresh secret of a new session.',
);

export const DeviceCode = wire(
  'DeviceCode',
  z.object({
    device_code: z.string(),
    user_code: z.string(),
    verification_uri: z.string(),
    verification_uri_complete: z.string(),
    expires_in: z.number(),
    interval: z.number(),
  }),
  'RFC 8628 device authorization response.',
);

export const OAuthToken = wire(
  'OAuthToken',
  z.object({
    access_token: z.string(),
    id_token: z.string(),
    refresh_token: z.string(),
    token_type: z.literal('Bearer'),
    expires_in: z.number(),
  }),
  'RFC 6749 token response; errors answer 400 with `error` and `error_description`.',
);
export type OAuthToken = z.infer<typeof OAuthToken>;

export const UserEntry = wire(
  'UserEntry',
  z.object({ id: z.string(), created_at: z.string(), created_by: z.string().nullable() }),
);
export type UserEntry = z.infer<typeof UserEntry>;

export const RoleAssignment = wire(
  'RoleAssignment',
  z.object({ role_name: z.string(), assigned_by: z.string(), assigned_at: z.string() }),
);
export type RoleAssignment = z.infer<typeof RoleAssignment>;

export const UserPage = wire(
  'UserPage',
  z.object({
    total_results: z.number(),
    start_index: z.number(),
    items_per_page: z.number(),
    users: z.array(UserEntry),
  }),
);

export const UserWithRoles = wire('UserWithRoles', UserEntry.extend({ roles: z.array(RoleAssignment) }));
export type UserWithRoles = z.infer<typeof UserWithRoles>;

export const UserRoles = wire('UserRoles', z.object({ user_id: z.string(), roles: z.array(RoleAssignment) }));

/** The assignment made, or only `user_id` when the role did not stick. */
export const UserRoleAdded = wire(
  'UserRoleAdded',
  z.object({
    user_id: z.string(),
    role_name: z.string().optional(),
    assigned_by: z.string().optional(),
    assigned_at: z.string().optional(),
  }),
);

/** A new token's secret, once, as a JSON string (as upstream answers). */
export const TokenSecret = wire('TokenSecret', z.string());

export const AccessTokenEntry = wire(
  'AccessTokenEntry',
  z.object({
    user_name: z.string(),
    token_name: z.string(),
    expires_at: z.string().nullable(),
    description: z.string().nullable(),
    roles: z.array(z.string()),
  }),
);
export type AccessTokenEntry = z.infer<typeof AccessTokenEntry>;

export const AccessTokenList = wire('AccessTokenList', z.array(AccessTokenEntry));

export const AccessTokenRoles = wire(
  'AccessTokenRoles',
  z.object({ user_name: z.string(), token_name: z.string(), roles: z.array(RoleAssignment) }),
);

export const ProfileSettings = wire(
  'ProfileSettings',
  z.object({
    profile: z.object({
      username: z.string(),
      email_notification: z.boolean().nullable(),
      slack_notification: z.boolean().nullable(),
      pool: z.string().nullable(),
      /** A default dataset bucket (kept from older upstream releases). */
      bucket: z.string().nullable().optional(),
      /** Where webhook notifications go, origin only (ours). */
      webhook_url: z.string().nullable().optional(),
    }),
    roles: z.array(z.string()),
    pools: z.array(z.string()),
    token: z.object({ name: z.string(), expires_at: z.string().nullable() }).nullable(),
  }),
);
export type ProfileSettings = z.infer<typeof ProfileSettings>;

/**
 * What the CLI's default-pool lookup reads of the profile: a probe that must not fail on a service
 * that answers less (its other fields are not needed there).
 */
export const ProfilePool = wire(
  'ProfilePool',
  z.object({ profile: ProfileSettings.shape.profile.pick({ pool: true }).partial().optional() }),
  "The part of the profile the CLI's default-pool lookup reads.",
);
