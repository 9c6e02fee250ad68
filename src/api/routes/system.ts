// Health, version and the OpenAPI document (service-api.md §3.1).
import { OSMO_VERSION } from '../../core/index.js';
import type { RouteList } from '../route-table.js';
import { defineRoute, openApiDocument } from '../route-table.js';

export function versionObject(): { major: string; minor: string; revision: string; hash: string } {
  const [major = '0', minor = '0', revision = '0'] = OSMO_VERSION.split('.');
  return { major, minor, revision, hash: '' };
}

export function systemRoutes(allRoutes: () => RouteList): RouteList {
  return [
    defineRoute({
      method: 'GET',
      url: '/health',
      summary: 'Readiness probe',
      access: 'public',
      handler: async () => ({ status: 'OK' }),
    }),
    defineRoute({
      method: 'GET',
      url: '/api/version',
      summary: 'The service version',
      access: 'public',
      handler: async () => versionObject(),
    }),
    defineRoute({
      method: 'GET',
      url: '/client/version',
      summary: 'The newest client version',
      access: 'public',
      handler: async ({ request, reply }) =>
        (request.headers.accept ?? '').includes('text/plain')
          ? reply.header('content-type', 'text/plain').send(OSMO_VERSION)
          : versionObject(),
    }),
    defineRoute({
      method: 'GET',
      url: '/api/openapi.json',
      summary: 'This OpenAPI document',
      access: 'public',
      handler: async () => openApiDocument(allRoutes(), OSMO_VERSION),
    }),
  ];
}
