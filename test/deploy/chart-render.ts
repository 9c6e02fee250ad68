// Renders deploy/helm/osmo as `helm template` would, through the chart's template subset, and checks
// each manifest against the Kubernetes OpenAPI schemas kubernetes-models is generated from.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { renderTemplate } from './chart-template.js';
import { REPO_ROOT } from './deploy-surface.js';

export const CHART_DIR = join(REPO_ROOT, 'deploy', 'helm', 'osmo');

export interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  [field: string]: unknown;
}

type Tree = Record<string, unknown>;

const isTree = (v: unknown): v is Tree => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Helm's merge of `--set`/`-f` values over values.yaml: maps merge, anything else replaces. */
function merge(base: Tree, over: Tree): Tree {
  const out: Tree = { ...base };
  for (const [key, value] of Object.entries(over)) {
    const current = out[key];
    out[key] = isTree(current) && isTree(value) ? merge(current, value) : value;
  }
  return out;
}

export function chartValues(): Tree {
  return parse(readFileSync(join(CHART_DIR, 'values.yaml'), 'utf8')) as Tree;
}

/** Every manifest the chart renders with these values over its defaults, file by file in name order. */
export function renderChart(values: Tree, release = { Name: 'osmo', Namespace: 'osmo' }): Manifest[] {
  const chart = parse(readFileSync(join(CHART_DIR, 'Chart.yaml'), 'utf8')) as Tree;
  const scope = {
    Values: merge(chartValues(), values),
    Release: release,
    Chart: { Name: chart['name'], Version: chart['version'], AppVersion: chart['appVersion'] },
  };
  const dir = join(CHART_DIR, 'templates');
  const manifests: Manifest[] = [];
  for (const file of readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .sort()) {
    const rendered = renderTemplate(readFileSync(join(dir, file), 'utf8'), scope);
    for (const doc of parseAllDocuments(rendered)) {
      if (doc.errors.length > 0) throw new Error(`${file}: ${doc.errors[0]?.message ?? ''}\n${rendered}`);
      const value = doc.toJS() as Manifest | null;
      if (value !== null) manifests.push(value);
    }
  }
  return manifests;
}

interface ModelClass {
  new (data: unknown): { validate(): void };
}

/** Validates a manifest with the kubernetes-models class of its apiVersion and kind. */
export async function validateManifest(manifest: Manifest): Promise<void> {
  const [group, version] = manifest.apiVersion.includes('/')
    ? manifest.apiVersion.split('/')
    : [null, manifest.apiVersion];
  const path = group === null ? `${version}/${manifest.kind}` : `${group}/${version}/${manifest.kind}`;
  const module = (await import(`kubernetes-models/${path}`)) as Record<string, ModelClass>;
  const Model = module[manifest.kind];
  if (Model === undefined)
    throw new Error(`kubernetes-models has no ${manifest.apiVersion} ${manifest.kind}`);
  new Model(manifest).validate();
}
