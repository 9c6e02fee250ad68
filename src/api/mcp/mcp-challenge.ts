// The MCP endpoint's 401 says where to log in (RFC 9728), so an MCP client can start its OAuth flow.
import type { FastifyInstance } from 'fastify';

export function installMcpChallenge(
  app: FastifyInstance,
  mcpPath: string,
  resourceMetadataUrl: () => string,
): void {
  app.addHook('onSend', async (request, reply, payload) => {
    if (reply.statusCode !== 401 || request.routeOptions.url !== mcpPath) return payload;
    // A token that was sent and refused is `invalid_token` (RFC 6750); none sent gets the bare challenge.
    const sent = request.headers.authorization !== undefined || request.headers['x-osmo-auth'] !== undefined;
    reply.header(
      'www-authenticate',
      `Bearer resource_metadata="${resourceMetadataUrl()}"${sent ? ', error="invalid_token"' : ''}`,
    );
    return payload;
  });
}
