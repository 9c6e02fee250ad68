// Wire schemas of the action routes (exec, port-forward, rsync, browser sessions) and of a task's
// output files.
import { z } from 'zod';
import { RsyncPluginSchema } from '../../config/pool-config.js';
import { wire } from './wire-registry.js';

export const RouterKey = wire(
  'RouterKey',
  z.object({ router_address: z.string(), key: z.string(), cookie: z.string() }),
  'A one-time key to open the router WebSocket with',
);
export const RouterKeys = wire('RouterKeys', z.array(RouterKey), 'One router key per forwarded port');
export const RouterKeysByTask = wire(
  'RouterKeysByTask',
  z.record(z.string(), RouterKey),
  'One router key per running task of the group',
);
export const WebSessionOpen = wire('WebSessionOpen', z.boolean(), 'Whether the browser session is open');
export const PluginConfigs = wire('PluginConfigs', z.object({ rsync: RsyncPluginSchema }));

export const TaskOutputFiles = wire(
  'TaskOutputFiles',
  z.object({
    workflow_id: z.string(),
    task_name: z.string(),
    files: z.array(z.object({ path: z.string(), size: z.number() })),
    offset: z.number(),
    total: z.number(),
    more_entries: z.boolean(),
  }),
);
export const TaskOutputFile = wire(
  'TaskOutputFile',
  z.object({
    workflow_id: z.string(),
    task_name: z.string(),
    path: z.string(),
    size: z.number(),
    bytes_returned: z.number(),
    truncated: z.boolean(),
    encoding: z.enum(['utf-8', 'base64']),
    content: z.string(),
  }),
);
