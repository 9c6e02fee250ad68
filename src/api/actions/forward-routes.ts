// Port-forward, browser (webserver) and rsync sessions: each call checks the workflow and task, then
// issues one-time keys the client redeems on the router WebSocket.
import { randomBytes } from 'node:crypto';
import { stat } from 'node:fs/promises';
import { z } from 'zod';
import { CONTAINER_TASK_PATHS, serverError, userError, type AttemptRef } from '../../core/index.js';
import type { RsyncPluginConfig } from '../../config/pool-config.js';
import type { RouterResponse } from '../contract/exec-protocol.js';
import { flag, repeated } from '../contract/query-values.js';
import type { ApiDeps } from '../deps.js';
import { defineRoute, type AnyRoute } from '../route-table.js';
import type { ActionGrant, ActionKeys } from './action-keys.js';
import { actionTargets, type ActionTargets } from './action-targets.js';
import type { ForwardPayload } from './forward-sessions.js';
import { routerAddress } from './router-address.js';
import { isModuleName, type RsyncModule } from './rsync-daemon.js';
import type { WebSessions } from './webserver-proxy.js';
import { PluginConfigs, RouterKey, RouterKeys, WebSessionOpen } from '../contract/action-wire.js';

const TaskParams = z.object({ name: z.string(), task_name: z.string() });
const PortNumber = z.string().regex(/^\d+$/).transform(Number).pipe(z.number().int().min(1).max(65535));

// The service is its own router and has no gateway in front, so there is no affinity cookie.
const routerResponse = (deps: ApiDeps, grant: ActionGrant): RouterResponse => ({
  router_address: routerAddress(deps),
  key: grant.key,
  cookie: '',
});

const rsyncConfig = (deps: ApiDeps): RsyncPluginConfig =>
  deps.ctx.config.current().workflow.plugins_config.rsync;

/**
 * The daemon's modules for one attempt: `osmo`, its workspace (always, writable), and every allowed
 * path that names a directory of the attempt's own that exists (others are left out, as upstream
 * leaves out allowed paths that do not exist in the container).
 */
async function rsyncModules(
  deps: ApiDeps,
  backend: ActionTargets['backend'],
  ref: AttemptRef,
): Promise<RsyncModule[]> {
  if (!backend.taskHostPath) throw userError(`The ${backend.kind} backend does not offer rsync`, 422);
  const shown = backend.taskPaths ? await backend.taskPaths(ref) : CONTAINER_TASK_PATHS;
  const workspace = await backend.taskHostPath(ref, shown.workspace);
  if (workspace === null) throw serverError(`Task ${ref.taskName} has no workspace on this host`);
  const modules: RsyncModule[] = [{ name: 'osmo', hostPath: workspace, writable: true }];
  for (const [name, entry] of Object.entries(rsyncConfig(deps).allowed_paths)) {
    if (name === 'osmo' || !isModuleName(name)) continue;
    const hostPath = await backend.taskHostPath(ref, entry.path);
    const isDir =
      hostPath !== null &&
      (await stat(hostPath).then(
        (s) => s.isDirectory(),
        () => false,
      ));
    if (isDir) modules.push({ name, hostPath, writable: entry.writable });
  }
  return modules;
}

export function forwardRoutes(deps: ApiDeps, keys: ActionKeys, webSessions: WebSessions): AnyRoute[] {
  return [
    defineRoute({
      method: 'POST',
      url: '/api/workflow/:name/portforward/:task_name',
      operationId: 'portForwardTask',
      response: RouterKeys,
      summary: 'Keys for forwarding ports of a running task (one control session per port)',
      access: 'user',
      params: TaskParams,
      query: z.object({
        task_ports: repeated.pipe(z.array(PortNumber)),
        use_udp: flag.default(false),
      }),
      handler: async ({ params, query, caller }): Promise<RouterResponse[]> => {
        const max = deps.ctx.config.current().workflow.max_num_ports_per_task;
        if (query.task_ports.length === 0) throw userError('At least one task port is required.');
        if (query.task_ports.length > max) {
          throw userError(
            `At most ${max} ports can be forwarded per call; ${query.task_ports.length} were asked.`,
          );
        }
        const { refs, backend } = await actionTargets(deps, caller, params.name, { task: params.task_name });
        const ref = refs[0] as AttemptRef;
        if (!backend.taskAddress) {
          throw userError(`The ${backend.kind} backend does not forward ports`, 422);
        }
        return query.task_ports.map((port) => {
          const payload: ForwardPayload = { role: 'control', target: query.use_udp ? 'udp' : 'tcp', port };
          return routerResponse(deps, keys.issue('PORTFORWARD', caller?.user ?? '', ref, payload));
        });
      },
    }),
    defineRoute({
      method: 'POST',
      url: '/api/workflow/:name/webserver/:task_name',
      operationId: 'openWebSession',
      response: RouterKey,
      summary: "A browser session with a running task's web server (the key, lower-cased, is its host name)",
      access: 'user',
      params: TaskParams,
      query: z.object({ task_port: PortNumber }),
      handler: async ({ params, query, caller }): Promise<RouterResponse> => {
        const { refs, backend } = await actionTargets(deps, caller, params.name, { task: params.task_name });
        if (!backend.taskAddress) {
          throw userError(`The ${backend.kind} backend does not forward ports`, 422);
        }
        const ref = refs[0] as AttemptRef;
        // Not a router key: the browser presents it in the Host of each request, never on a socket.
        const key = `WEBSERVER-${randomBytes(16).toString('hex')}`;
        webSessions.open(key, ref, query.task_port);
        return { router_address: routerAddress(deps), key, cookie: '' };
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/api/router/webserver/:key',
      operationId: 'webSessionOpen',
      response: WebSessionOpen,
      summary: 'Whether a browser session with this key is open',
      access: 'user',
      params: z.object({ key: z.string() }),
      handler: async ({ params }): Promise<boolean> => webSessions.touch(params.key) !== null,
    }),
    defineRoute({
      method: 'POST',
      url: '/api/workflow/:name/rsync/task/:task_name',
      operationId: 'rsyncTask',
      response: RouterKey,
      summary: 'A key for an rsync session with a running task',
      access: 'user',
      params: TaskParams,
      handler: async ({ params, caller }): Promise<RouterResponse> => {
        const { workflow, refs, backend } = await actionTargets(deps, caller, params.name, {
          task: params.task_name,
        });
        if (!workflow.plugins.rsync) throw userError('Rsync is not enabled for this workflow!', 403);
        const ref = refs[0] as AttemptRef;
        const config = rsyncConfig(deps);
        const payload: ForwardPayload = {
          role: 'control',
          target: 'rsync',
          modules: await rsyncModules(deps, backend, ref),
          limits: {
            readBytesPerSecond: config.read_bandwidth_limit,
            writeBytesPerSecond: config.write_bandwidth_limit,
          },
        };
        return routerResponse(deps, keys.issue('RSYNC', caller?.user ?? '', ref, payload));
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/api/plugins/configs',
      operationId: 'getPluginConfigs',
      response: PluginConfigs,
      summary: 'Plugin settings clients need (rsync modules, limits and daemon timings)',
      access: 'user',
      handler: async () => ({ rsync: rsyncConfig(deps) }),
    }),
  ];
}
