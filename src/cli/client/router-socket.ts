// Opens a router WebSocket for a one-time action key (exec, port-forward, rsync): the login's
// headers and the router's cookie, a bounded wait, and a refusal told as the service's error.
import { WebSocket } from 'ws';
import { OSMO_VERSION } from '../../core/index.js';
import { routerClientPath, type RouterResponse } from '../../api/contract/exec-protocol.js';
import { classifyErrorResponse, connectionError } from './classify-response.js';
import type { OsmoClient } from './osmo-client.js';

export type RouterPathKind = 'exec' | 'portforward' | 'rsync';

export async function openRouterSocket(
  client: OsmoClient,
  kind: RouterPathKind,
  workflowId: string,
  router: RouterResponse,
  connectTimeoutMs: number,
  /**
   * Bulk data sockets (port-forward, rsync) send with a zero masking key, which `ws` skips on both
   * ends: masking guards intermediaries against a browser page's crafted bytes, and this client is
   * no browser; it would cost a pass over every byte of a transfer on each side.
   */
  bulk = false,
): Promise<WebSocket> {
  const headers: Record<string, string> = {
    'User-Agent': `osmo-cli/${OSMO_VERSION}`,
    ...(await client.authHeaders()),
    ...(router.cookie === '' ? {} : { Cookie: router.cookie }),
  };
  const url = `${router.router_address.replace(/\/+$/, '')}${routerClientPath(kind, workflowId, router.key)}`;
  const socket = new WebSocket(url, {
    headers,
    handshakeTimeout: connectTimeoutMs,
    perMessageDeflate: false,
    ...(bulk ? { generateMask: (mask: Buffer) => void mask.fill(0) } : {}),
  });
  return new Promise((resolve, reject) => {
    socket.once('open', () => {
      socket.removeAllListeners('error');
      socket.removeAllListeners('unexpected-response');
      resolve(socket);
    });
    socket.once('error', (err) => reject(connectionError(err)));
    socket.once('unexpected-response', (_request, response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () => {
        const responseHeaders = new Headers();
        for (const [name, value] of Object.entries(response.headers)) {
          if (typeof value === 'string') responseHeaders.set(name, value);
        }
        reject(classifyErrorResponse(response.statusCode ?? 500, responseHeaders, body));
        socket.terminate();
      });
    });
  });
}
