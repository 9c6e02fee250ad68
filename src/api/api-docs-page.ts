// The API reference page at /api/docs: the OpenAPI document rendered as one self-contained HTML page
// (no scripts, no fonts or styles from elsewhere: the service may run where nothing else is reachable).

interface Parameter {
  readonly [key: string]: unknown;
  readonly name: string;
  readonly in: string;
  readonly required: boolean;
  readonly schema?: unknown;
}
interface Operation {
  readonly [key: string]: unknown;
  readonly operationId?: string;
  readonly summary?: string;
  readonly tags?: readonly string[];
  readonly 'x-osmo-access'?: string;
  readonly parameters?: readonly Parameter[];
  readonly requestBody?: { content: Record<string, { schema?: unknown }> };
  readonly responses?: Record<
    string,
    { description: string; content?: Record<string, { schema?: unknown }> }
  >;
}
export interface OpenApiShape {
  readonly [key: string]: unknown;
  readonly info: { title: string; version: string };
  readonly tags?: readonly { name: string }[];
  readonly paths: Record<string, Record<string, Operation>>;
  readonly components?: { readonly [key: string]: unknown; schemas?: Record<string, unknown> };
}

const escapeHtml = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const REF_PREFIX = '#/components/schemas/';

/** A schema in one line: a link for a reference, its type otherwise. */
function schemaLabel(schema: unknown): string {
  if (typeof schema !== 'object' || schema === null) return 'any';
  const s = schema as Record<string, unknown>;
  if (typeof s.$ref === 'string' && s.$ref.startsWith(REF_PREFIX)) {
    const id = s.$ref.slice(REF_PREFIX.length);
    return `<a href="#schema-${escapeHtml(id)}">${escapeHtml(id)}</a>`;
  }
  if (Array.isArray(s.enum)) return escapeHtml(s.enum.map((v) => JSON.stringify(v)).join(' | '));
  if (s.type === 'array') return `${schemaLabel(s.items)}[]`;
  if (Array.isArray(s.type)) return escapeHtml(s.type.join(' | '));
  if (typeof s.type === 'string') return escapeHtml(s.type);
  if (Array.isArray(s.anyOf)) return s.anyOf.map(schemaLabel).join(' | ');
  return 'any';
}

/** JSON with references turned into links to their component. */
function schemaBlock(schema: unknown): string {
  const json = escapeHtml(JSON.stringify(schema, null, 2));
  return json.replace(
    /&#34;(#\/components\/schemas\/)([A-Za-z0-9_]+)&#34;/g,
    (_m, _p: string, id: string) => `&#34;<a href="#schema-${id}">${REF_PREFIX}${id}</a>&#34;`,
  );
}

function operationHtml(method: string, path: string, op: Operation): string {
  const params = op.parameters ?? [];
  const rows = params
    .map(
      (p) =>
        `<tr><td><code>${escapeHtml(p.name)}</code></td><td>${escapeHtml(p.in)}</td>` +
        `<td>${p.required ? 'required' : 'optional'}</td><td>${schemaLabel(p.schema)}</td></tr>`,
    )
    .join('');
  const answers = Object.entries(op.responses ?? {})
    .flatMap(([status, r]) =>
      Object.entries(r.content ?? {}).map(
        ([type, c]) =>
          `<li>${escapeHtml(status)} <code>${escapeHtml(type)}</code>: ${schemaLabel(c.schema)}</li>`,
      ),
    )
    .join('');
  const body = Object.values(op.requestBody?.content ?? {})[0]?.schema;
  const id = op.operationId ?? `${method}-${path}`;
  return [
    `<section class="op" id="op-${escapeHtml(id)}">`,
    `<h3><span class="m ${method}">${method.toUpperCase()}</span> <code>${escapeHtml(path)}</code></h3>`,
    `<p>${escapeHtml(op.summary ?? '')}</p>`,
    `<p class="meta">operationId <code>${escapeHtml(op.operationId ?? '')}</code> · access <code>${escapeHtml(op['x-osmo-access'] ?? '')}</code></p>`,
    rows === '' ? '' : `<table><tr><th>Parameter</th><th>In</th><th></th><th>Type</th></tr>${rows}</table>`,
    body === undefined
      ? ''
      : `<details><summary>Request body</summary><pre>${schemaBlock(body)}</pre></details>`,
    `<ul>${answers}</ul>`,
    '</section>',
  ].join('\n');
}

const STYLE = `body{font:15px/1.5 system-ui,sans-serif;margin:0 auto;max-width:70rem;padding:1rem 2rem}
code,pre{font-family:ui-monospace,monospace;font-size:13px}pre{background:#f4f4f4;padding:.5rem;overflow:auto}
.op{border-top:1px solid #ddd;padding:.25rem 0}.m{display:inline-block;min-width:4.5rem;color:#fff;
border-radius:3px;text-align:center;font-size:13px}.get{background:#1565c0}.post{background:#2e7d32}
.put{background:#ef6c00}.patch{background:#6a1b9a}.delete{background:#c62828}.meta{color:#555}
table{border-collapse:collapse}td,th{border:1px solid #ddd;padding:2px 8px;text-align:left}
@media (prefers-color-scheme:dark){body{background:#121212;color:#ddd}pre{background:#1e1e1e}a{color:#90caf9}.meta{color:#aaa}}`;

/** The reference page of an OpenAPI document: operations by tag, then every schema component. */
export function apiDocsPage(doc: OpenApiShape): string {
  const byTag = new Map<string, string[]>();
  for (const [path, methods] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(methods)) {
      const tag = op.tags?.[0] ?? 'other';
      const list = byTag.get(tag) ?? [];
      byTag.set(tag, list);
      list.push(operationHtml(method, path, op));
    }
  }
  const tags = [...byTag.keys()].sort();
  const schemas = Object.entries(doc.components?.schemas ?? {}).sort(([a], [b]) => a.localeCompare(b));
  const title = `${escapeHtml(doc.info.title)} API ${escapeHtml(doc.info.version)}`;
  return [
    '<!doctype html>',
    `<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${title}</title><style>${STYLE}</style></head><body>`,
    `<h1>${title}</h1>`,
    '<p>Every route of this service, generated from its route table. The machine-readable document is <a href="/api/openapi.json">/api/openapi.json</a>. Routes other than public ones need <code>Authorization: Bearer &lt;access token&gt;</code>.</p>',
    `<nav><ul>${tags.map((t) => `<li><a href="#tag-${escapeHtml(t)}">${escapeHtml(t)}</a></li>`).join('')}<li><a href="#schemas">schemas</a></li></ul></nav>`,
    ...tags.map(
      (t) => `<h2 id="tag-${escapeHtml(t)}">${escapeHtml(t)}</h2>\n${(byTag.get(t) ?? []).join('\n')}`,
    ),
    '<h2 id="schemas">Schemas</h2>',
    ...schemas.map(
      ([id, s]) =>
        `<details id="schema-${escapeHtml(id)}"><summary><code>${escapeHtml(id)}</code></summary><pre>${schemaBlock(s)}</pre></details>`,
    ),
    '</body></html>',
  ].join('\n');
}
