// The scheduling configuration in force: loaded from the store's history, the config file, or defaults; every write is a revision.
import type { Logger } from 'pino';
import type { ConfigDocument, ManagedConfigType } from '../config/pool-config.js';
import { defaultConfigDocument, parseConfigDocument } from '../config/pool-config.js';
import { userError } from '../core/index.js';
import type { PoolShape } from '../scheduler/index.js';
import { DEFAULT_GPU_QUOTA } from '../scheduler/index.js';
import type { Store } from '../store/index.js';

/** The history user of revisions that come from the configuration file. */
export const CONFIG_FILE_USER = 'configmap-sync';

/** The stored snapshot of one type. */
export function typeData(doc: ConfigDocument, type: ManagedConfigType): unknown {
  switch (type) {
    case 'BACKEND':
      return doc.backends;
    case 'POOL':
      return { pools: doc.pools };
    case 'RESOURCE_VALIDATION':
      return doc.resource_validations;
    case 'WORKFLOW':
      return doc.workflow;
    case 'ROLE':
      return doc.roles;
  }
}

function withTypeData(doc: ConfigDocument, type: ManagedConfigType, data: unknown): ConfigDocument {
  const raw: Record<string, unknown> = { ...doc };
  if (type === 'BACKEND') raw.backends = data;
  if (type === 'POOL') raw.pools = (data as { pools?: unknown } | null)?.pools ?? {};
  if (type === 'RESOURCE_VALIDATION') raw.resource_validations = data;
  if (type === 'WORKFLOW') raw.workflow = data;
  if (type === 'ROLE') raw.roles = data;
  try {
    return parseConfigDocument(raw);
  } catch (err) {
    throw userError((err as Error).message);
  }
}

const TYPES: readonly ManagedConfigType[] = ['BACKEND', 'POOL', 'RESOURCE_VALIDATION', 'WORKFLOW'];
/** Types loaded from the store at start; roles come only from the API, so a file reload keeps them. */
const STORED_TYPES: readonly ManagedConfigType[] = [...TYPES, 'ROLE'];

export interface ConfigWrite {
  readonly username: string;
  readonly description: string;
  readonly tags: readonly string[];
  readonly name?: string | null;
}

export class LiveConfig {
  private listeners: (() => void | Promise<void>)[] = [];
  /** Checks a new document must pass beyond its schema (backend kinds this service can run). */
  private checks: ((doc: ConfigDocument) => void)[] = [];

  private constructor(
    private doc: ConfigDocument,
    private readonly store: Store,
    private readonly now: () => Date,
    private readonly log: Logger,
  ) {}

  /** The stored revisions win, then the file (recorded as a new revision when it differs), then defaults. */
  static async open(
    store: Store,
    file: ConfigDocument | null,
    now: () => Date,
    log: Logger,
  ): Promise<LiveConfig> {
    let doc = defaultConfigDocument();
    for (const type of STORED_TYPES) {
      const latest = await store.configHistory.latest(type);
      if (latest) doc = withTypeData(doc, type, latest.data);
    }
    const live = new LiveConfig(doc, store, now, log);
    await live.adopt(file ?? doc, file ? 'Loaded from the configuration file' : 'Initial configuration');
    return live;
  }

  current(): ConfigDocument {
    return this.doc;
  }

  /** Told of every change; a write returns once each has taken it in (a backend made, say). */
  onChange(listener: () => void | Promise<void>): void {
    this.listeners.push(listener);
  }

  /** Refuses every later document `check` throws for; the one in force is checked at once. */
  addCheck(check: (doc: ConfigDocument) => void): void {
    check(this.doc);
    this.checks.push(check);
  }

  /** Records every type whose data differs from the latest revision (file reloads, first start). */
  async adopt(next: ConfigDocument, description: string): Promise<void> {
    for (const check of this.checks) check(next);
    for (const type of TYPES) {
      const latest = await this.store.configHistory.latest(type);
      const data = typeData(next, type);
      if (latest && JSON.stringify(latest.data) === JSON.stringify(data)) continue;
      await this.write(type, data, { username: CONFIG_FILE_USER, description, tags: [] });
    }
    this.doc = { ...next, roles: this.doc.roles };
  }

  /** Validates the new data against the whole document, stores a revision, and applies it at once. */
  async write(type: ManagedConfigType, data: unknown, meta: ConfigWrite): Promise<void> {
    const next = withTypeData(this.doc, type, data);
    for (const check of this.checks) check(next);
    await this.store.configHistory.append({
      configType: type,
      name: meta.name ?? null,
      username: meta.username,
      createdAt: this.now(),
      description: meta.description,
      tags: meta.tags,
      data: typeData(next, type),
    });
    this.doc = next;
    this.log.info({ type, user: meta.username }, 'configuration changed');
    for (const listener of this.listeners) await listener();
  }
}

/**
 * The scheduler's view of the configured pools; `unavailable` says why a pool's backend cannot take
 * work now (offline, not configured), so its groups wait for it.
 */
export function poolShapes(
  doc: ConfigDocument,
  unavailable: (backend: string) => string | null = () => null,
): PoolShape[] {
  return Object.entries(doc.pools)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, pool]) => ({
      name,
      backend: pool.backend,
      backendUnavailable: unavailable(pool.backend),
      platforms: Object.entries(pool.platforms).map(([p, platform]) => ({
        name: p,
        labels: platform.labels,
      })),
      gpu: pool.resources.gpu ?? DEFAULT_GPU_QUOTA,
    }));
}
