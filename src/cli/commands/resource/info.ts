// `osmo resource info`: one node's pools, platform capacity and task configuration.
import { Command } from 'commander';
import type { CliDeps } from '../../cli-deps.js';
import { renderTable, tableTerminal, type TableTerminal } from '../../output/table.js';
import type { ResourceEntry, ResourcesResponse } from './entry.js';
import { displayAmount, RESOURCE_KINDS, type ResourceKind } from './quantity.js';
import type { PlatformConfigFields } from '../../../api/contract/pool-wire.js';
import { WIRE } from '../../client/wire-schemas.generated.js';

export interface ResourceInfoOptions {
  readonly node: string;
  readonly pool?: string;
  readonly platform?: string;
}

export function resourceInfoCommand(deps: CliDeps): Command {
  return (
    new Command('info')
      .description('Show the pools, capacity and task configuration of one resource (node).')
      .argument('<node>', 'The node name.')
      .option('-p, --pool <pool>', 'The pool whose configuration to show (with --platform).')
      // Upstream's short form is `-pl`; argv normalisation maps it onto this alias.
      .option('--pl, --platform <platform>', 'The platform whose configuration to show (with --pool).')
      .action((node: string, flags: { pool?: string; platform?: string }) =>
        runResourceInfo(
          {
            node,
            ...(flags.pool !== undefined ? { pool: flags.pool } : {}),
            ...(flags.platform !== undefined ? { platform: flags.platform } : {}),
          },
          deps,
        ),
      )
  );
}

export async function runResourceInfo(opts: ResourceInfoOptions, deps: CliDeps): Promise<void> {
  if ((opts.pool === undefined) !== (opts.platform === undefined)) {
    deps.io.out('Pool and platform must be specified at the same time.\n');
    return;
  }
  const client = await deps.client();
  const response = await client.get(WIRE.Resources, `api/resources/${encodeURIComponent(opts.node)}`);
  deps.io.out(renderResourceInfo(response, opts, tableTerminal(deps.io)));
}

/** Picks the entry and pool/platform to describe, or the message that says why none can be. */
function select(
  response: ResourcesResponse,
  opts: ResourceInfoOptions,
): { entry: ResourceEntry; pool: string; platform: string } | string {
  const { node } = opts;
  const [first] = response.resources;
  if (first === undefined) return `${node} is not a resource.`;
  if (opts.pool === undefined || opts.platform === undefined) {
    if (response.resources.length > 1) {
      return `Multiple resources named ${node} exist. Specify both --pool and --platform to select one.`;
    }
    const [pool, platforms] = Object.entries(first.pool_platform_labels ?? {})[0] ?? ['', []];
    return { entry: first, pool, platform: platforms[0] ?? '' };
  }
  const { pool, platform } = opts;
  const entry = response.resources.find((e) => (e.pool_platform_labels?.[pool] ?? []).includes(platform));
  return entry ? { entry, pool, platform } : `Node ${node} is not in pool ${pool} and platform ${platform}`;
}

const py = (v: boolean | undefined): string => (v === true ? 'True' : 'False');
const UNIT: Readonly<Record<ResourceKind, string>> = { storage: 'Gi', cpu: '', memory: 'Gi', gpu: '' };

export function renderResourceInfo(
  response: ResourcesResponse,
  opts: ResourceInfoOptions,
  terminal?: TableTerminal,
): string {
  const chosen = select(response, opts);
  if (typeof chosen === 'string') return `${chosen}\n`;
  const { entry, pool, platform } = chosen;
  const poolRows = Object.entries(entry.pool_platform_labels ?? {}).flatMap(([p, platforms]) =>
    platforms.map((pl, i) => [i === 0 ? p : '', pl]),
  );
  const capacity = entry.platform_allocatable_fields?.[pool]?.[platform] ?? {};
  const kinds = Object.keys(entry.exposed_fields).filter((k): k is ResourceKind =>
    (RESOURCE_KINDS as readonly string[]).includes(k),
  );
  const capacityLines = kinds.flatMap((kind) => {
    const raw = capacity[kind];
    if (raw === undefined && (kind === 'storage' || kind === 'memory')) return [];
    const amount = raw === undefined ? 0 : displayAmount(kind, raw);
    return amount === null ? [] : [`${kind}: ${Math.floor(amount)}${UNIT[kind]}`];
  });
  const config: Partial<PlatformConfigFields> = entry.config_fields?.[pool]?.[platform] ?? {};
  const lines = [
    '',
    `Resource Name: ${entry.hostname}`,
    '',
    'Pool Specification:',
    '',
    renderTable(['Pool', 'Platform'], poolRows, { autoTyped: true, terminal }).replace(/\n$/, ''),
    '',
    `* (Using configuration for ${pool}/${platform}):`,
    'Resource Capacity',
    '-----------------',
    ...capacityLines,
    '',
    'Task Configurations',
    '-------------------',
    `Host Network Allowed: ${py(config.host_network)}`,
    `Privileged Mode Allowed: ${py(config.privileged)}`,
    'Default Mounts:',
    ...(config.default_mounts ?? []).map((m) => `- ${m}`),
    'Allowed Mounts:',
    ...(config.allowed_mounts ?? []).map((m) => `- ${m}`),
    '',
  ];
  return `${lines.join('\n')}\n`;
}
