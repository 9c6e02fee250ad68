// The files a task left in its `{{output}}` directory: listed a page at a time and read a bounded piece at a time.
// Ours (upstream leaves outputs to `osmo data` against the bucket); they let an agent or a user look
// at a small result without storage credentials, authorised as every other read of the workflow.
import type { Readable } from 'node:stream';
import { z } from 'zod';
import { databaseError, userError } from '../../core/index.js';
import { outputPrefix } from '../../controller/context.js';
import type { ObjectStorage } from '../../storage/index.js';
import type { ApiDeps } from '../deps.js';
import type { RouteList } from '../route-table.js';
import { defineRoute } from '../route-table.js';
import { visibleWorkflow } from './visible-workflow.js';
import { TaskOutputFile, TaskOutputFiles } from '../contract/action-wire.js';

export const MAX_LIST_LIMIT = 1000;
/** The most bytes one read returns: enough for a report or a metrics file, never a model checkpoint. */
export const MAX_READ_BYTES = 1024 * 1024;
export const DEFAULT_READ_BYTES = 64 * 1024;

const TaskParams = z.object({ name: z.string(), task_name: z.string() });

const ListQuery = z.object({
  offset: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(MAX_LIST_LIMIT).default(100),
});

const ReadQuery = z.object({
  path: z.string().min(1).max(4096),
  max_bytes: z.coerce.number().int().min(1).max(MAX_READ_BYTES).default(DEFAULT_READ_BYTES),
});

/** A relative `/`-separated path with no empty, `.` or `..` segment: it cannot leave the task's outputs. */
export function checkedOutputPath(path: string): string {
  const segments = path.split('/');
  if (
    path.includes('\\') ||
    path.includes('\0') ||
    segments.some((s) => s === '' || s === '.' || s === '..')
  ) {
    throw userError(
      `Output path ${JSON.stringify(path)} must be relative to the task's output directory, as the file list shows it.`,
    );
  }
  return path;
}

/** UTF-8 text stays text (a sequence cut at the end is left out); anything else is sent as base64. */
export function encodeContent(
  bytes: Buffer,
  truncated: boolean,
): { encoding: 'utf-8' | 'base64'; content: string } {
  if (!bytes.includes(0)) {
    try {
      const text = new TextDecoder('utf-8', { fatal: true }).decode(bytes, { stream: truncated });
      return { encoding: 'utf-8', content: text };
    } catch {
      // Not UTF-8: base64 below.
    }
  }
  return { encoding: 'base64', content: bytes.toString('base64') };
}

/** The first `max` bytes of a stream; the rest is never read. */
async function firstBytes(stream: Readable, max: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let length = 0;
  try {
    for await (const chunk of stream) {
      const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array);
      chunks.push(buffer);
      length += buffer.length;
      if (length >= max) break;
    }
  } finally {
    stream.destroy();
  }
  return Buffer.concat(chunks).subarray(0, max);
}

export function taskOutputRoutes(deps: ApiDeps, storage: ObjectStorage): RouteList {
  const taskOf = async (caller: Parameters<typeof visibleWorkflow>[1], name: string, taskName: string) => {
    const workflow = await visibleWorkflow(deps, caller, name);
    const task = await deps.store.tasks.getLatest(workflow.workflowUuid, taskName);
    if (!task) throw databaseError(`Task ${taskName} is not found in workflow ${workflow.workflowId}.`);
    return { workflowId: workflow.workflowId, prefix: `${outputPrefix(workflow.workflowId, task.name)}/` };
  };
  return [
    defineRoute({
      method: 'GET',
      url: '/api/workflow/:name/task/:task_name/output_files',
      operationId: 'listTaskOutputFiles',
      response: TaskOutputFiles,
      summary: "The files of a task's output directory, by path, a page at a time (ours)",
      access: 'user',
      params: TaskParams,
      query: ListQuery,
      handler: async ({ params, query, caller }) => {
        const { workflowId, prefix } = await taskOf(caller, params.name, params.task_name);
        const objects = await storage.list(prefix);
        const end = Math.min(objects.length, query.offset + query.limit);
        return {
          workflow_id: workflowId,
          task_name: params.task_name,
          files: objects
            .slice(query.offset, end)
            .map((o) => ({ path: o.key.slice(prefix.length), size: o.sizeBytes })),
          offset: query.offset,
          total: objects.length,
          more_entries: end < objects.length,
        };
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/api/workflow/:name/task/:task_name/output_file',
      operationId: 'readTaskOutputFile',
      response: TaskOutputFile,
      summary: "The first bytes of one file of a task's output directory, as text or base64 (ours)",
      access: 'user',
      params: TaskParams,
      query: ReadQuery,
      handler: async ({ params, query, caller }) => {
        const { workflowId, prefix } = await taskOf(caller, params.name, params.task_name);
        const key = `${prefix}${checkedOutputPath(query.path)}`;
        // Only a stored output object is read, found by its exact key.
        const object = (await storage.list(key)).find((o) => o.key === key);
        if (object === undefined) {
          throw databaseError(
            `Task ${params.task_name} of workflow ${workflowId} has no output file ${query.path}.`,
          );
        }
        const bytes = await firstBytes(await storage.getStream(key), query.max_bytes);
        const truncated = object.sizeBytes > bytes.length;
        return {
          workflow_id: workflowId,
          task_name: params.task_name,
          path: query.path,
          size: object.sizeBytes,
          bytes_returned: bytes.length,
          truncated,
          ...encodeContent(bytes, truncated),
        };
      },
    }),
  ];
}
