// Builds the MCP server for one authenticated caller: every tool, bounded answers, errors as tool errors.
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { OsmoError } from '../../core/index.js';
import { boundText } from './bounds.js';
import { RestCallError } from './rest-caller.js';
import type { ToolContext } from './tool-def.js';
import { TOOLS } from './tools.js';

export const MCP_SERVER_NAME = 'osmo';

export function buildMcpServer(ctx: ToolContext, version: string): McpServer {
  const server = new McpServer({ name: MCP_SERVER_NAME, version });
  for (const tool of TOOLS) {
    server.registerTool(
      tool.name,
      {
        description: `${tool.summary} Mirrors the CLI command \`${tool.mirrors}\`.`,
        inputSchema: tool.input,
        annotations: { readOnlyHint: tool.readOnly, destructiveHint: !tool.readOnly },
        _meta: { 'osmo/mirrors': tool.mirrors },
      },
      async (args: Record<string, unknown>): Promise<CallToolResult> => {
        try {
          const result = await tool.run(ctx, args as never);
          const text = typeof result === 'string' ? result : JSON.stringify(result, null, 2);
          return { content: [{ type: 'text', text: boundText(text) }] };
        } catch (err) {
          // The service's own refusals reach the agent as they reach a CLI user; anything else stays inside.
          if (err instanceof RestCallError || err instanceof OsmoError) {
            return { isError: true, content: [{ type: 'text', text: err.message }] };
          }
          throw err;
        }
      },
    );
  }
  return server;
}
