// One MCP tool: its name, the CLI command it mirrors, its input schema and what it does.
import type { z } from 'zod';
import type { RestCaller } from './rest-caller.js';

/** What a tool may use: the REST API as the caller, and a bounded, non-following log read. */
export interface ToolContext {
  readonly rest: RestCaller;
  readonly readLog: (request: LogRequest) => Promise<string>;
}

export interface LogRequest {
  readonly workflowId: string;
  readonly taskName?: string;
  readonly retryId?: number;
  readonly lastLines: number;
}

export interface ToolDef<S extends z.ZodRawShape> {
  readonly name: string;
  /** The `osmo` command whose answer this tool gives, so an agent and its user speak of the same thing. */
  readonly mirrors: string;
  readonly summary: string;
  /** True for tools that change nothing. */
  readonly readOnly: boolean;
  readonly input: S;
  /** A string answers as text; anything else as JSON. */
  readonly run: (ctx: ToolContext, args: z.infer<z.ZodObject<S>>) => Promise<unknown>;
}

export type AnyTool = ToolDef<z.ZodRawShape>;

/** Checks a tool against its own schema, then erases its types so tools share one list. */
export const defineTool = <S extends z.ZodRawShape>(def: ToolDef<S>): AnyTool => def as unknown as AnyTool;
