// The SERVICE configuration: what `osmo service start` was given, in upstream's shape, secrets masked.
import { OsmoError } from '../../core/index.js';
import { JWT_AUDIENCE, JWT_ISSUER, jwks } from '../auth/jwt.js';
import { MASKED_SECRET, ServiceConfig } from '../contract/config-wire.js';
import { Refused } from '../contract/wire-registry.js';
import type { ApiDeps } from '../deps.js';
import type { RouteList } from '../route-table.js';
import { defineRoute } from '../route-table.js';
import { loginInfo } from './auth.js';

/**
 * Upstream refuses config writes with 409 while its configuration comes from a mounted file; this
 * service's settings always come from its flags and environment, so a write is refused the same way.
 */
const READ_ONLY = (): OsmoError =>
  new OsmoError(
    'USER',
    'The SERVICE config is set by the flags and environment of "osmo service start" and cannot be ' +
      'changed through the API: change them there and restart the service.',
    409,
  );

export function serviceConfigOf(deps: Pick<ApiDeps, 'baseUrl' | 'key' | 'config'>): ServiceConfig {
  const [publicKey] = jwks(deps.key).keys;
  return {
    service_base_url: deps.baseUrl,
    service_auth: {
      keys: { [deps.key.kid]: { public_key: JSON.stringify(publicKey), private_key: MASKED_SECRET } },
      active_key: deps.key.kid,
      issuer: JWT_ISSUER,
      audience: JWT_AUDIENCE,
      login_info: loginInfo(deps.baseUrl),
      max_token_duration: `${deps.config.maxTokenDurationDays}d`,
    },
    // The service accepts every client version; it names no newer one and no install location.
    cli_config: { latest_version: null, min_supported_version: null, client_install_url: null },
  };
}

/** Admin-only, as every `/api/configs` route: upstream's `osmo-user` role has no `config:Read`. */
export function serviceConfigRoutes(deps: ApiDeps): RouteList {
  return [
    defineRoute({
      method: 'GET',
      url: '/api/configs/service',
      operationId: 'getServiceConfig',
      response: ServiceConfig,
      summary: 'The service configuration, secrets masked',
      access: 'admin',
      handler: async () => serviceConfigOf(deps),
    }),
    ...(['PUT', 'PATCH'] as const).map((method) =>
      defineRoute({
        method,
        url: '/api/configs/service',
        operationId: method === 'PUT' ? 'putServiceConfig' : 'patchServiceConfig',
        response: Refused,
        summary: 'Refused: the service configuration comes from the service flags and environment',
        access: 'admin',
        handler: async () => {
          throw READ_ONLY();
        },
      }),
    ),
  ];
}
