// `/mcp`: the Model Context Protocol over Streamable HTTP, for agents. Stateless: each POST carries the
// caller's own bearer token, checked by the same hook as every REST route, and gets a server of its own.
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import type { FastifyInstance } from 'fastify';
import { OSMO_VERSION, OsmoError } from '../../core/index.js';
import type { ApiDeps } from '../deps.js';
import type { RouteList } from '../route-table.js';
import { defineRoute } from '../route-table.js';
import { logReader } from './log-reader.js';
import { buildMcpServer } from './mcp-server.js';
import { injectingCaller } from './rest-caller.js';
import { JsonRpcAnswer, Refused } from '../contract/wire-registry.js';

export const MCP_PATH = '/mcp';

export function mcpRoutes(deps: ApiDeps, app: FastifyInstance): RouteList {
  // Without sessions there is no server-initiated stream to open and nothing to end.
  const noSessions = async (): Promise<never> => {
    throw new OsmoError('USER', 'This MCP endpoint is stateless: send requests with POST.', 405);
  };
  return [
    defineRoute({
      method: 'POST',
      url: MCP_PATH,
      operationId: 'callMcp',
      response: JsonRpcAnswer,
      summary: 'Model Context Protocol (Streamable HTTP, stateless) with the tools of the osmo CLI',
      access: 'user',
      handler: async ({ request, reply, caller }) => {
        if (caller === null) throw new OsmoError('USER', 'Authentication required', 401);
        const header = request.headers.authorization ?? request.headers['x-osmo-auth'];
        const authorization = (Array.isArray(header) ? header[0] : header) ?? '';
        const server = buildMcpServer(
          { rest: injectingCaller(app, authorization), readLog: logReader(deps, caller) },
          OSMO_VERSION,
        );
        // No session id generator: stateless, one request per transport.
        const transport = new StreamableHTTPServerTransport({ enableJsonResponse: true });
        reply.hijack();
        reply.raw.on('close', () => {
          void transport.close();
          void server.close();
        });
        await server.connect(transport);
        await transport.handleRequest(request.raw, reply.raw, request.body);
        return reply;
      },
    }),
    defineRoute({
      method: 'GET',
      url: MCP_PATH,
      operationId: 'openMcpStream',
      response: Refused,
      summary: 'Refused: the MCP endpoint keeps no sessions, so it opens no event stream',
      access: 'user',
      handler: noSessions,
    }),
    defineRoute({
      method: 'DELETE',
      url: MCP_PATH,
      operationId: 'endMcpSession',
      response: Refused,
      summary: 'Refused: the MCP endpoint keeps no sessions to end',
      access: 'user',
      handler: noSessions,
    }),
  ];
}
