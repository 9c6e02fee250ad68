// A Kubernetes API server on loopback for tests: a real HTTP server that the real client talks to,
// answering with the recorded responses of test/fixtures/kubernetes/api-responses.json, keeping the
// objects it was sent, streaming watch events and pod logs, and recording every request it got.
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { KubeConfig, type V1Pod, type V1PodStatus } from '@kubernetes/client-node';

export interface Recorded {
  readonly podList: { metadata: { resourceVersion: string }; items: V1Pod[] };
  readonly nodeList: unknown;
  readonly podStates: Record<string, V1PodStatus>;
  readonly statusNotFound: Record<string, unknown>;
  readonly statusAlreadyExists: Record<string, unknown>;
  readonly watchGone: unknown;
  readonly statusSuccess: unknown;
}

export const RECORDED = JSON.parse(
  readFileSync(
    fileURLToPath(new URL('../../../../test/fixtures/kubernetes/api-responses.json', import.meta.url)),
    'utf8',
  ),
) as Recorded;

export interface RequestRecord {
  readonly method: string;
  readonly path: string;
  readonly query: URLSearchParams;
  readonly body: unknown;
  readonly contentType: string | undefined;
}

interface LogStream {
  text: string;
  ended: boolean;
  readers: Set<ServerResponse>;
}

const NAMESPACED = /^\/(api\/v1|apis\/[^/]+\/[^/]+)\/namespaces\/([^/]+)\/([^/]+)(?:\/([^/]+))?(?:\/(log))?$/;

export class FakeApiServer {
  readonly requests: RequestRecord[] = [];
  /** Objects by `<resource>/<name>`. */
  readonly objects = new Map<string, Record<string, unknown>>();
  private readonly watches = new Set<ServerResponse>();
  private readonly logs = new Map<string, LogStream>();
  private version = 1000;
  /** Answers the next watch requests with a 410 Gone event, as an API server that compacted its history. */
  gonePending = 0;
  private server: Server | null = null;
  url = '';

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      void this.handle(req, res);
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    for (const w of this.watches) w.end();
    for (const log of this.logs.values()) for (const r of log.readers) r.end();
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }

  kubeConfig(): KubeConfig {
    const config = new KubeConfig();
    config.loadFromOptions({
      clusters: [{ name: 'fake', server: this.url, skipTLSVerify: true }],
      users: [{ name: 'osmo', token: 'fake-token' }],
      contexts: [{ name: 'fake', cluster: 'fake', user: 'osmo', namespace: 'osmo' }],
      currentContext: 'fake',
    });
    return config;
  }

  /** `METHOD path` of every request but the ones matching `skip`, in order. */
  sequence(skip: RegExp | null = null): string[] {
    return this.requests
      .map((r) => `${r.method} ${r.path}`)
      .filter((line) => skip === null || !skip.test(line));
  }

  pod(name: string): V1Pod | undefined {
    return this.objects.get(`pods/${name}`) as V1Pod | undefined;
  }

  /** Gives the pod a recorded state (its container named as the pod names it) and tells the watches. */
  setPodState(name: string, state: keyof Recorded['podStates'] | V1PodStatus, deleting = false): void {
    const pod = this.pod(name);
    if (pod === undefined) throw new Error(`no pod ${name}`);
    const recorded = typeof state === 'string' ? RECORDED.podStates[state] : state;
    if (recorded === undefined) throw new Error(`no recorded pod state ${String(state)}`);
    const container = pod.spec?.containers[0]?.name ?? 'task';
    const status = JSON.parse(
      JSON.stringify(recorded).replaceAll('"name":"task"', `"name":"${container}"`),
    ) as V1PodStatus;
    const next: V1Pod = {
      ...pod,
      metadata: {
        ...pod.metadata,
        resourceVersion: String(++this.version),
        ...(deleting ? { deletionTimestamp: new Date() } : {}),
      },
      status,
    };
    this.objects.set(`pods/${name}`, next as Record<string, unknown>);
    this.event('MODIFIED', next);
  }

  /** Appends to a pod's log; `end` closes the stream as a terminated container's log ends. */
  appendLog(pod: string, text: string, end = false): void {
    const log = this.logOf(pod);
    log.text += text;
    for (const r of log.readers) {
      r.write(text);
      if (end) r.end();
    }
    if (end) {
      log.ended = true;
      log.readers.clear();
    }
  }

  private logOf(pod: string): LogStream {
    let log = this.logs.get(pod);
    if (log === undefined) {
      log = { text: '', ended: false, readers: new Set() };
      this.logs.set(pod, log);
    }
    return log;
  }

  event(type: 'ADDED' | 'MODIFIED' | 'DELETED', object: unknown): void {
    for (const w of this.watches) w.write(`${JSON.stringify({ type, object })}\n`);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.url);
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const body: unknown = raw === '' ? null : JSON.parse(raw);
    this.requests.push({
      method: req.method ?? 'GET',
      path: url.pathname,
      query: url.searchParams,
      body,
      contentType: req.headers['content-type'],
    });
    if (req.headers.authorization !== 'Bearer fake-token')
      return this.json(res, 401, { kind: 'Status', code: 401 });
    if (url.pathname === '/api/v1/nodes') return this.json(res, 200, RECORDED.nodeList);
    const m = NAMESPACED.exec(url.pathname);
    if (m === null) return this.json(res, 404, RECORDED.statusNotFound);
    const [, , , resource = '', name, sub] = m;
    const key = `${resource}/${name ?? ''}`;
    const method = req.method ?? 'GET';

    if (sub === 'log' && name !== undefined) return this.serveLog(name, res);
    if (name === undefined && method === 'GET' && url.searchParams.get('watch') === 'true') {
      if (this.gonePending > 0) {
        this.gonePending -= 1;
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(`${JSON.stringify(RECORDED.watchGone)}\n`);
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json', 'transfer-encoding': 'chunked' });
      res.flushHeaders();
      this.watches.add(res);
      res.on('close', () => this.watches.delete(res));
      return;
    }
    if (name === undefined && method === 'GET') {
      const items = [...this.objects.entries()]
        .filter(([k]) => k.startsWith(`${resource}/`))
        .map(([, v]) => v);
      return this.json(res, 200, {
        ...RECORDED.podList,
        metadata: { resourceVersion: String(this.version) },
        items,
      });
    }
    if (name === undefined && method === 'POST') {
      const object = body as { metadata: { name: string } };
      const created = `${resource}/${object.metadata.name}`;
      if (this.objects.has(created)) return this.json(res, 409, RECORDED.statusAlreadyExists);
      const stored = { ...object, metadata: { ...object.metadata, resourceVersion: String(++this.version) } };
      if (resource === 'pods') Object.assign(stored, { status: RECORDED.podStates['pending'] });
      this.objects.set(created, stored);
      if (resource === 'pods') this.event('ADDED', stored);
      return this.json(res, 201, stored);
    }
    if (name === undefined && method === 'DELETE') {
      for (const k of [...this.objects.keys()]) if (k.startsWith(`${resource}/`)) this.objects.delete(k);
      return this.json(res, 200, RECORDED.statusSuccess);
    }
    const existing = this.objects.get(key);
    if (existing === undefined) return this.json(res, 404, RECORDED.statusNotFound);
    if (method === 'GET') return this.json(res, 200, existing);
    if (method === 'PATCH') {
      const patched = mergePatch(existing, body) as Record<string, unknown>;
      const meta = patched['metadata'] as { deletionTimestamp?: unknown; finalizers?: string[] };
      // A deleted object goes once its last finalizer does.
      if (meta.deletionTimestamp !== undefined && (meta.finalizers ?? []).length === 0) {
        this.objects.delete(key);
        if (resource === 'pods') this.event('DELETED', patched);
      } else this.objects.set(key, patched);
      return this.json(res, 200, patched);
    }
    if (method === 'DELETE') {
      const finalizers = (existing['metadata'] as { finalizers?: string[] }).finalizers ?? [];
      if (finalizers.length > 0) {
        const marked = {
          ...existing,
          metadata: { ...(existing['metadata'] as object), deletionTimestamp: new Date() },
        };
        this.objects.set(key, marked);
        return this.json(res, 200, marked);
      }
      this.objects.delete(key);
      if (resource === 'pods') this.event('DELETED', existing);
      return this.json(res, 200, existing);
    }
    return this.json(res, 405, RECORDED.statusNotFound);
  }

  private serveLog(pod: string, res: ServerResponse): void {
    const log = this.logOf(pod);
    res.writeHead(200, { 'content-type': 'text/plain', 'transfer-encoding': 'chunked' });
    res.write(log.text);
    if (log.ended) {
      res.end();
      return;
    }
    log.readers.add(res);
    res.on('close', () => log.readers.delete(res));
  }

  private json(res: ServerResponse, status: number, body: unknown): void {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  }
}

/** RFC 7386: objects merge, null removes, anything else replaces. */
function mergePatch(target: unknown, patch: unknown): unknown {
  if (typeof patch !== 'object' || patch === null || Array.isArray(patch)) return patch;
  const base =
    typeof target === 'object' && target !== null && !Array.isArray(target) ? { ...(target as object) } : {};
  const result = base as Record<string, unknown>;
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete result[k];
    else result[k] = mergePatch(result[k], v);
  }
  return result;
}
