// `osmo mcp`: the service's MCP tools over stdio, for agents that start a local MCP server. Each message
// is relayed to the logged-in service's /mcp with this login's token, so the tools, their bounds and
// every access check stay the service's own.
import { Command } from 'commander';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import type { CliDeps } from '../../cli-deps.js';
import type { OsmoClient } from '../../client/osmo-client.js';

export function mcpCommand(deps: CliDeps): Command {
  return new Command('mcp')
    .description('Serve the osmo MCP tools over stdio, against the service you are logged in to.')
    .action(() => runMcp(deps));
}

export async function runMcp(deps: CliDeps): Promise<void> {
  const client = await deps.client();
  const transport = new StdioServerTransport();
  const closed = new Promise<void>((resolve) => (transport.onclose = resolve));
  transport.onmessage = (message) => {
    void relay(deps, client, message).then(
      (answers) => Promise.all(answers.map((a) => transport.send(a))),
      (err: unknown) => failure(message, err instanceof Error ? err.message : String(err), transport),
    );
  };
  await transport.start();
  // stdin ending (the agent closing us) is the only way out.
  process.stdin.once('end', () => void transport.close());
  await closed;
}

async function relay(deps: CliDeps, client: OsmoClient, message: JSONRPCMessage): Promise<JSONRPCMessage[]> {
  const response = await deps.fetch(`${client.baseUrl}/mcp`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      ...(await client.authHeaders()),
    },
    body: JSON.stringify(message),
    signal: deps.signal,
  });
  const text = await response.text();
  if (response.status === 202 || text === '') return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new Error(`the service answered ${response.status}: ${text.slice(0, 500)}`);
  }
  if (response.status >= 400 && !isJsonRpc(parsed)) {
    const why = (parsed as { message?: unknown }).message;
    throw new Error(typeof why === 'string' ? why : `the service answered ${response.status}`);
  }
  return (Array.isArray(parsed) ? parsed : [parsed]) as JSONRPCMessage[];
}

const isJsonRpc = (value: unknown): boolean =>
  typeof value === 'object' && value !== null && (value as { jsonrpc?: unknown }).jsonrpc === '2.0';

/** A request that could not be relayed still gets an answer, so the agent is never left waiting. */
async function failure(message: JSONRPCMessage, why: string, transport: StdioServerTransport): Promise<void> {
  if (!('id' in message) || !('method' in message)) return;
  await transport.send({ jsonrpc: '2.0', id: message.id, error: { code: -32000, message: `osmo: ${why}` } });
}
