// Every backend the configuration declares, each running under its name: made, replaced and closed as
// the backend configuration changes, watched by a heartbeat, and the one place that answers which
// backend runs a workflow's tasks.
import type { Logger } from 'pino';
import type { BackendConfig, ConfigDocument } from '../config/pool-config.js';
import type { BackendKind } from '../core/index.js';
import { userError } from '../core/index.js';
import type { Backend, NodeInventory, ReportListener } from '../backends/index.js';
import type { NodeCapacity } from '../scheduler/index.js';
import { backendNodes, makeSettings, offlineReason } from './backend-states.js';

export type { Backend } from '../backends/index.js';

export interface BuiltBackend {
  readonly backend: Backend;
  /** Scheduling slots per detected CPU: the process backend overcommits, the others offer 1. */
  readonly cpuOvercommit: number;
}

/** Makes a backend of one kind from its configuration entry; the composition root holds one per kind. */
export type BackendMaker = (config: BackendConfig) => Promise<BuiltBackend>;

/** What `osmo backend list`, `osmo pool list` and `/api/configs/backend` report of one backend. */
export interface BackendState {
  readonly name: string;
  /** The kind that runs it (a kindless entry runs on the service's start-up backend). */
  readonly kind: BackendKind;
  readonly online: boolean;
  /** When it last answered the heartbeat (its node inventory). */
  readonly lastHeartbeat: Date | null;
  /** Why it is offline, or its last failure while online; null when none. */
  readonly lastError: string | null;
  readonly nodeCount: number;
}

/** The backends a configuration change made (anew or again) and removed, by name. */
export interface BackendChange {
  readonly made: readonly string[];
  readonly removed: readonly string[];
}

/** How often every backend is asked for its nodes, and how long one may take to answer. */
const HEARTBEAT_INTERVAL_MS = 10_000;
const HEARTBEAT_TIMEOUT_MS = 10_000;

interface Member {
  readonly settings: string;
  readonly kind: BackendKind;
  readonly built: BuiltBackend | null;
  online: boolean;
  lastHeartbeat: Date | null;
  lastError: string | null;
  detected: readonly NodeInventory[];
  unsubscribe: () => void;
}

const errorText = (err: unknown): string => (err instanceof Error ? err.message : String(err));

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms / 1000} s`)), ms);
  });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

export class BackendSet {
  /** The start-up backend, which every entry without a kind runs on. */
  private readonly shared: Member;
  /** Entries with a kind of their own, by name. */
  private readonly own = new Map<string, Member>();
  /**
   * Removed from the configuration, kept so their attempts can be stopped and cleaned up (closing a
   * backend leaves its attempts as they are); closed when the name is removed again, or at close.
   */
  private readonly retired = new Map<string, Member>();
  private readonly listeners = new Set<ReportListener>();
  private readonly changeListeners: (() => void)[] = [];
  private doc: ConfigDocument | null = null;
  private lane: Promise<void> = Promise.resolve();
  private timer: NodeJS.Timeout | null = null;
  private beating = false;

  constructor(
    startup: BuiltBackend,
    private readonly makers: ReadonlyMap<BackendKind, BackendMaker>,
    private readonly log: Logger,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.shared = this.member(startup.backend.kind, '', startup);
  }

  /**
   * A set of one backend that every configured entry runs on, taken as online without a heartbeat
   * (tests and benchmarks that drive the engine directly).
   */
  static single(backend: Backend, log: Logger): BackendSet {
    const set = new BackendSet({ backend, cpuOvercommit: 1 }, new Map(), log);
    set.shared.online = true;
    return set;
  }

  /** Throws a user error naming the entry when a backend's kind cannot be run by this service. */
  check(doc: ConfigDocument): void {
    for (const entry of doc.backends) {
      if (entry.kind === null || this.makers.has(entry.kind)) continue;
      const available = [...this.makers.keys()].join(', ');
      throw userError(
        `Backend ${entry.name}: kind ${entry.kind} is not available in this service (available: ${available})`,
      );
    }
  }

  onChange(listener: () => void): void {
    this.changeListeners.push(listener);
  }

  /** Makes the backends new to `doc`, remakes those whose settings changed and closes those removed. */
  apply(doc: ConfigDocument): Promise<BackendChange> {
    const change = { made: [] as string[], removed: [] as string[] };
    return this.serial(() => this.reconcile(doc, change), 'applying the backend configuration failed').then(
      () => change,
    );
  }

  /** Starts the heartbeat; the first one runs at once. */
  async start(doc: ConfigDocument): Promise<void> {
    await this.apply(doc);
    this.timer = setInterval(() => void this.heartbeat(), HEARTBEAT_INTERVAL_MS);
    this.timer.unref();
  }

  /** The backend that runs a workflow's tasks: the one its pool named at submit; null when none runs. */
  forWorkflow(workflow: { readonly backend: string | null; readonly pool: string | null }): Backend | null {
    const name = workflow.backend ?? this.doc?.pools[workflow.pool ?? '']?.backend ?? '';
    return this.byName(name);
  }

  /** The running backend of a configured entry; null when the entry is gone or could not be made. */
  byName(name: string): Backend | null {
    if (this.doc === null) return this.shared.built?.backend ?? null;
    const entry = this.doc.backends.find((b) => b.name === name);
    if (entry === undefined) return null;
    return this.memberOf(entry)?.built?.backend ?? null;
  }

  /** Whether this is the backend the service started with (what the in-task CLI is wired for). */
  isStartup(backend: Backend): boolean {
    return this.shared.built?.backend === backend;
  }

  /** Subscribes to the reports of every backend, those added later included. */
  observe(listener: ReportListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  states(doc: ConfigDocument): BackendState[] {
    return doc.backends.map((entry) => {
      const m = this.memberOf(entry);
      return {
        name: entry.name,
        kind: entry.kind ?? this.shared.kind,
        online: m?.online ?? false,
        lastHeartbeat: m?.lastHeartbeat ?? null,
        lastError: m?.lastError ?? (m ? null : 'not made yet'),
        nodeCount: m?.online ? (entry.nodes ?? m.detected).length : 0,
      };
    });
  }

  /** The schedulable nodes of every configured backend that is online. */
  nodes(doc: ConfigDocument): NodeCapacity[] {
    return doc.backends.flatMap((entry) => {
      const m = this.memberOf(entry);
      if (!m?.online || !m.built) return [];
      return backendNodes(entry, m.detected, m.built.cpuOvercommit, m !== this.shared);
    });
  }

  /** Why a backend cannot take work now (offline, or not configured), or null when it can. */
  unavailable(doc: ConfigDocument, name: string): string | null {
    const entry = doc.backends.find((b) => b.name === name);
    return offlineReason(name, entry === undefined ? null : (this.memberOf(entry) ?? null));
  }

  /** A backend removed from the configuration whose attempts are still to be stopped. */
  retiredBackend(name: string): Backend | null {
    return this.retired.get(name)?.built?.backend ?? null;
  }

  /** Records a failure a backend told of, shown as its last error. */
  recordError(name: string, err: unknown): void {
    const m = name === '' ? this.shared : this.own.get(name);
    if (m) m.lastError = errorText(err);
  }

  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.lane;
    for (const m of [this.shared, ...this.own.values(), ...this.retired.values()]) await this.closeMember(m);
    this.own.clear();
    this.retired.clear();
  }

  private memberOf(entry: BackendConfig): Member | undefined {
    return entry.kind === null ? this.shared : this.own.get(entry.name);
  }

  private member(kind: BackendKind, settings: string, built: BuiltBackend | null, error?: string): Member {
    const unsubscribe = built
      ? built.backend.observe((report) => {
          const waits = [...this.listeners].map((listener) => listener(report));
          return waits.some((w) => w !== undefined) ? Promise.all(waits).then(() => undefined) : undefined;
        })
      : () => {};
    return {
      settings,
      kind,
      built,
      online: false,
      lastHeartbeat: null,
      lastError: error ?? null,
      detected: [],
      unsubscribe,
    };
  }

  private async reconcile(doc: ConfigDocument, change: { made: string[]; removed: string[] }): Promise<void> {
    this.check(doc);
    const wanted = new Map(doc.backends.flatMap((b) => (b.kind === null ? [] : [[b.name, b] as const])));
    for (const [name, m] of [...this.own]) {
      const entry = wanted.get(name);
      if (entry !== undefined && makeSettings(entry) === m.settings) continue;
      this.own.delete(name);
      if (entry === undefined) {
        await this.closeMember(this.retired.get(name));
        this.retired.set(name, m);
        change.removed.push(name);
      } else await this.closeMember(m);
      this.log.info({ backend: name }, entry === undefined ? 'backend removed' : 'backend settings changed');
    }
    for (const [name, entry] of wanted) {
      if (this.own.has(name) || entry.kind === null) continue;
      const maker = this.makers.get(entry.kind);
      if (maker === undefined) continue;
      const made = await maker(entry).then(
        (built) => ({ built, error: undefined }),
        (err: unknown) => ({ built: null, error: `could not be made: ${errorText(err)}` }),
      );
      if (made.error !== undefined) this.log.error({ backend: name, err: made.error }, 'backend not made');
      else this.log.info({ backend: name, kind: entry.kind }, 'backend added');
      this.own.set(name, this.member(entry.kind, makeSettings(entry), made.built, made.error));
      change.made.push(name);
    }
    this.doc = doc;
    await this.beat();
  }

  /** One heartbeat of every backend; a change of state or nodes wakes the listeners (the engine). */
  heartbeat(): Promise<void> {
    // A beat still waiting on a slow backend is not joined by another one behind it.
    if (this.beating) return this.lane;
    this.beating = true;
    return this.serial(() => this.beat().finally(() => (this.beating = false)), 'backend heartbeat failed');
  }

  /** Changes and heartbeats take turns; a failure is logged here and never reaches the caller. */
  private serial(step: () => Promise<void>, failure: string): Promise<void> {
    const run = this.lane.then(step).catch((err: unknown) => this.log.error({ err }, failure));
    this.lane = run;
    return run;
  }

  private async beat(): Promise<void> {
    const members = [this.shared, ...this.own.values()];
    const before = members.map((m) => `${m.online}/${m.detected.length}`).join(',');
    await Promise.all(members.map((m, i) => this.poll(m, i === 0 ? 'the start-up backend' : 'a backend')));
    const after = members.map((m) => `${m.online}/${m.detected.length}`).join(',');
    if (before !== after) for (const listener of this.changeListeners) listener();
  }

  private async poll(m: Member, what: string): Promise<void> {
    if (m.built === null) return;
    try {
      m.detected = await withTimeout(m.built.backend.nodes(), HEARTBEAT_TIMEOUT_MS, what);
      if (!m.online) m.lastError = null;
      m.online = true;
      m.lastHeartbeat = this.now();
    } catch (err) {
      const why = errorText(err);
      // Logged when it goes offline or its reason changes, not on every beat while it stays down.
      if (m.online || m.lastError !== why) this.log.error({ err: why, kind: m.kind }, 'backend offline');
      m.online = false;
      m.detected = [];
      m.lastError = why;
    }
  }

  private async closeMember(m: Member | undefined): Promise<void> {
    if (m === undefined) return;
    m.unsubscribe();
    await m.built?.backend
      .close()
      .catch((err: unknown) => this.log.error({ err }, 'closing a backend failed'));
  }
}
