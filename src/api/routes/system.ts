// Health, version and the OpenAPI document.
import { COMPATIBLE_OSMO_VERSION, COMPATIBLE_OSMO_VERSION_TEXT, OSMO_VERSION } from '../../core/index.js';
import { apiDocsPage } from '../api-docs-page.js';
import { Health, OpenApiDocument, VersionObject } from '../contract/system-wire.js';
import { Text } from '../contract/wire-registry.js';
import type { RouteList } from '../route-table.js';
import { defineRoute, openApiDocument } from '../route-table.js';

/**
 * Upstream's version object for the release osmo is compatible with, plus `osmo_version` (our addition):
 * osmo's own build, which `osmo version` prints beside it.
 */
export function versionObject(): VersionObject {
  return { ...COMPATIBLE_OSMO_VERSION, osmo_version: OSMO_VERSION };
}

export function systemRoutes(allRoutes: () => RouteList): RouteList {
  return [
    defineRoute({
      method: 'GET',
      url: '/health',
      summary: 'Readiness probe',
      operationId: 'getHealth',
      access: 'public',
      response: Health,
      handler: async () => ({ status: 'OK' }) as const,
    }),
    defineRoute({
      method: 'GET',
      url: '/api/version',
      summary: 'The service version',
      operationId: 'getVersion',
      access: 'public',
      response: VersionObject,
      handler: async () => versionObject(),
    }),
    defineRoute({
      method: 'GET',
      url: '/client/version',
      summary: 'The newest client version (plain text when the request accepts text/plain)',
      operationId: 'getClientVersion',
      access: 'public',
      response: VersionObject,
      handler: async ({ request, reply }) =>
        (request.headers.accept ?? '').includes('text/plain')
          ? reply.header('content-type', 'text/plain').send(COMPATIBLE_OSMO_VERSION_TEXT)
          : versionObject(),
    }),
    defineRoute({
      method: 'GET',
      url: '/api/openapi.json',
      summary: 'This OpenAPI document',
      operationId: 'getOpenApiDocument',
      access: 'public',
      response: OpenApiDocument,
      handler: async () => openApiDocument(allRoutes(), OSMO_VERSION),
    }),
    // Public like the document it renders: it tells no more than the CLI's own help does.
    defineRoute({
      method: 'GET',
      url: '/api/docs',
      summary: 'This API reference as a page',
      operationId: 'getApiDocs',
      access: 'public',
      produces: 'text/html',
      response: Text,
      handler: async ({ reply }) =>
        reply
          .type('text/html; charset=utf-8')
          .header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'")
          .send(apiDocsPage(openApiDocument(allRoutes(), OSMO_VERSION))),
    }),
  ];
}
