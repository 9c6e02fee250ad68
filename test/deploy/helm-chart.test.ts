// deploy/helm/osmo: rendered for SQLite and for PostgreSQL + S3 with replicas, every manifest schema-checked,
// the service configured only with what it reads, and the single-replica rule for SQLite enforced.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderChart, validateManifest } from './chart-render.js';
import type { Manifest } from './chart-render.js';
import { renderTemplate, TemplateFailure } from './chart-template.js';
import { REPO_ROOT, serviceStartFlags, serviceVariables } from './deploy-surface.js';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

const MASTER_KEY = Buffer.alloc(32, 3).toString('base64');

interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: { secretKeyRef: { name: string; key: string } };
}
interface Container {
  args: string[];
  env: EnvVar[];
  image: string;
  volumeMounts: { name: string; mountPath: string }[];
}
interface DeploymentSpec {
  replicas: number;
  strategy?: { type: string };
  template: {
    spec: {
      serviceAccountName: string;
      containers: Container[];
      volumes: { name: string; emptyDir?: unknown; persistentVolumeClaim?: { claimName: string } }[];
    };
  };
}

const of = (manifests: Manifest[], kind: string): Manifest[] => manifests.filter((m) => m.kind === kind);
const deployment = (manifests: Manifest[]): DeploymentSpec =>
  of(manifests, 'Deployment')[0]!['spec'] as DeploymentSpec;

const SCALED = {
  replicas: 3,
  postgres: { enabled: true, existingSecret: 'osmo-postgres' },
  s3: { enabled: true, endpoint: 'http://minio.storage:9000', pathStyle: true, existingSecret: 'osmo-s3' },
  masterKey: { existingSecret: 'osmo-master-key' },
  signingKey: { existingSecret: 'osmo-signing-key' },
  defaultAdmin: { existingSecret: 'osmo-admin' },
  adminUsers: ['alice', 'bob'],
  baseUrl: 'https://osmo.example.com',
  poolConfig: {
    backends: [{ name: 'default' }],
    pools: { default: { backend: 'default', platforms: { default: {} } } },
  },
};

test('the default (SQLite) release: one replica on a volume, every manifest valid', async () => {
  const manifests = renderChart({ masterKey: { value: MASTER_KEY } });
  assert.deepEqual(manifests.map((m) => m.kind).sort(), [
    'ClusterRole',
    'ClusterRoleBinding',
    'Deployment',
    'PersistentVolumeClaim',
    'Role',
    'RoleBinding',
    'Secret',
    'Service',
    'ServiceAccount',
  ]);
  for (const m of manifests) await validateManifest(m);
  const spec = deployment(manifests);
  assert.equal(spec.replicas, 1);
  assert.equal(spec.strategy?.type, 'Recreate');
  const pvc = of(manifests, 'PersistentVolumeClaim')[0]!;
  assert.equal(spec.template.spec.volumes[0]?.persistentVolumeClaim?.claimName, pvc.metadata.name);
  const secret = of(manifests, 'Secret')[0]!;
  const data = secret['data'] as Record<string, string>;
  assert.equal(Buffer.from(data['master-key']!, 'base64').toString(), MASTER_KEY);
  const keyRef = spec.template.spec.containers[0]!.env.find((e) => e.name === 'OSMO_MASTER_KEY');
  assert.deepEqual(keyRef?.valueFrom?.secretKeyRef, { name: secret.metadata.name, key: 'master-key' });
  assert.equal(keyRef?.value, undefined, 'the key is never inline in the pod spec');
});

test('PostgreSQL + S3 with three replicas: no volume claim, secrets by reference, pool config mounted', async () => {
  const manifests = renderChart(SCALED);
  for (const m of manifests) await validateManifest(m);
  assert.deepEqual(of(manifests, 'PersistentVolumeClaim'), []);
  assert.deepEqual(of(manifests, 'Secret'), [], 'existing secrets are used, none is created');
  const spec = deployment(manifests);
  assert.equal(spec.replicas, 3);
  assert.equal(spec.strategy, undefined);
  const container = spec.template.spec.containers[0]!;
  const env = new Map(container.env.map((e) => [e.name, e]));
  assert.deepEqual(env.get('OSMO_POSTGRES_URL')?.valueFrom?.secretKeyRef, {
    name: 'osmo-postgres',
    key: 'url',
  });
  assert.equal(env.get('OSMO_S3_ENDPOINT')?.value, 'http://minio.storage:9000');
  assert.equal(env.get('OSMO_S3_PATH_STYLE')?.value, 'true');
  assert.equal(env.get('OSMO_ADMIN_USERS')?.value, 'alice,bob');
  assert.equal(env.get('OSMO_REPLICAS')?.value, '1');
  assert.equal(env.get('AWS_SECRET_ACCESS_KEY')?.valueFrom?.secretKeyRef.name, 'osmo-s3');
  const config = of(manifests, 'ConfigMap')[0]!;
  const poolsYaml = (config['data'] as Record<string, string>)['pools.yaml']!;
  const { parse } = await import('yaml');
  assert.deepEqual(parse(poolsYaml), SCALED.poolConfig);
  assert.deepEqual(container.args.slice(-2), ['--config', '/etc/osmo/pools.yaml']);
  assert.ok(container.volumeMounts.some((v) => v.mountPath === '/etc/osmo'));
  // Every replica signs and checks tokens with one key, from the Secret, in the service's key file.
  const keyMount = container.volumeMounts.find((v) => v.name === 'signing-key');
  assert.equal(keyMount?.mountPath, `${env.get('OSMO_DATA_DIR')?.value}/service-key.json`);
  assert.match(
    await readFile(join(REPO_ROOT, 'src', 'main', 'service.ts'), 'utf8'),
    /loadSigningKey\(join\(config\.dataDir, 'service-key\.json'\)\)/,
  );
  const keyVolume = spec.template.spec.volumes.find((v) => v.name === 'signing-key') as
    { secret?: { secretName: string } } | undefined;
  assert.equal(keyVolume?.secret?.secretName, 'osmo-signing-key');
});

test('the pod passes the service only flags and variables it reads', async () => {
  const flags = await serviceStartFlags();
  const known = serviceVariables();
  for (const values of [{ masterKey: { value: MASTER_KEY } }, SCALED]) {
    const container = deployment(renderChart(values)).template.spec.containers[0]!;
    assert.deepEqual(
      container.args.filter((a) => a.startsWith('--') && !flags.has(a)),
      [],
    );
    assert.deepEqual(
      container.env.map((e) => e.name).filter((n) => !known.has(n)),
      [],
    );
  }
});

test('RBAC: the service account may do what the Kubernetes backend asks, and use exec, port-forward', () => {
  const manifests = renderChart({ masterKey: { value: MASTER_KEY } });
  const role = of(manifests, 'Role')[0]!;
  const rules = role['rules'] as { apiGroups: string[]; resources: string[]; verbs: string[] }[];
  const allowed = (resource: string, verb: string, group = ''): boolean =>
    rules.some(
      (r) => r.apiGroups.includes(group) && r.resources.includes(resource) && r.verbs.includes(verb),
    );
  // Every call src/backends/kubernetes/cluster-client.ts makes in the namespace.
  for (const verb of ['get', 'list', 'watch', 'create', 'patch', 'delete'])
    assert.ok(allowed('pods', verb), `${verb} pods`);
  for (const verb of ['create', 'delete']) assert.ok(allowed('services', verb), `${verb} services`);
  for (const verb of ['create', 'deletecollection']) assert.ok(allowed('secrets', verb), `${verb} secrets`);
  for (const verb of ['create', 'delete'])
    assert.ok(allowed('podgroups', verb, 'scheduling.run.ai'), `${verb} podgroups.scheduling.run.ai`);
  assert.ok(allowed('pods/log', 'get'));
  assert.ok(allowed('pods/exec', 'create'));
  assert.ok(allowed('pods/portforward', 'create'));
  assert.ok(!rules.some((r) => r.resources.includes('nodes')), 'a Role cannot grant cluster-wide nodes');
  const binding = of(manifests, 'RoleBinding')[0]!;
  const account = of(manifests, 'ServiceAccount')[0]!;
  assert.deepEqual(binding['subjects'], [
    { kind: 'ServiceAccount', name: account.metadata.name, namespace: 'osmo' },
  ]);
  assert.equal(deployment(manifests).template.spec.serviceAccountName, account.metadata.name);
  // Nodes are cluster-scoped: the heartbeat lists them through a ClusterRole bound to the same account.
  const nodeRules = of(manifests, 'ClusterRole')[0]!['rules'] as { resources: string[]; verbs: string[] }[];
  assert.ok(nodeRules.some((r) => r.resources.includes('nodes') && r.verbs.includes('list')));
  const clusterBinding = of(manifests, 'ClusterRoleBinding')[0]!;
  assert.deepEqual(clusterBinding['subjects'], binding['subjects']);
  assert.equal(
    (clusterBinding['roleRef'] as { name: string }).name,
    of(manifests, 'ClusterRole')[0]!.metadata.name,
  );
});

test('the chart refuses several replicas on SQLite, and a release without a master key', () => {
  assert.throws(
    () => renderChart({ replicas: 2, masterKey: { value: MASTER_KEY } }),
    (err: unknown) =>
      err instanceof TemplateFailure && /replicas > 1 needs postgres\.enabled/.test(err.message),
  );
  assert.throws(
    () => renderChart({}),
    (err: unknown) => err instanceof TemplateFailure && /masterKey/.test(err.message),
  );
  assert.throws(
    () => renderChart({ ...SCALED, postgres: { enabled: true, existingSecret: '' } }),
    /postgres\.existingSecret/,
  );
  assert.throws(
    () => renderChart({ ...SCALED, signingKey: { existingSecret: '' } }),
    /signingKey\.existingSecret/,
  );
});

test('a schema error in a rendered manifest is caught', async () => {
  const manifests = renderChart({ ...SCALED, replicas: 'one' });
  const broken = of(manifests, 'Deployment')[0]!;
  await assert.rejects(validateManifest(broken), /replicas must be integer/);
});

test('numbers from values are compared through int, as helm needs', async () => {
  const { readdir } = await import('node:fs/promises');
  const dir = join(REPO_ROOT, 'deploy', 'helm', 'osmo', 'templates');
  let comparisons = 0;
  for (const file of await readdir(dir)) {
    const text = await readFile(join(dir, file), 'utf8');
    comparisons += [...text.matchAll(/\b(gt|lt|ge|le)\s/g)].length;
    // helm holds values-file numbers as float64; Go's gt/lt refuse a float against an int literal.
    assert.doesNotMatch(text, /\b(gt|lt|ge|le)\s+\.Values/, file);
  }
  assert.ok(comparisons > 0);
});

test('the template subset: trimming, conditions, pipelines; anything else is refused', () => {
  const scope = { Values: { a: { b: 'x' }, n: 2, list: [] }, Release: { Name: 'r' } };
  assert.equal(
    renderTemplate('k: {{ .Values.a.b | quote }}\n{{- if gt .Values.n 1 }}\nmany{{ end }}', scope),
    'k: "x"\nmany',
  );
  assert.equal(renderTemplate('{{ if .Values.list }}y{{ else }}n{{ end }}', scope), 'n');
  assert.equal(renderTemplate('{{ .Values.missing | default "d" }}-{{ .Release.Name }}', scope), 'd-r');
  assert.equal(renderTemplate('a:{{- .Values.a | toYaml | nindent 2 }}', scope), 'a:\n  b: x');
  assert.throws(
    () => renderTemplate('{{ range .Values.list }}{{ end }}', scope),
    /outside the chart's template subset/,
  );
  assert.throws(() => renderTemplate('{{ lookup "v1" "Secret" }}', scope), /unknown function|not a value/);
  assert.throws(() => renderTemplate('{{ if .Values.n }}open', scope), /missing \{\{ end \}\}/);
  // `and` stops at its first false operand: the second, which would fail, is not evaluated.
  assert.equal(renderTemplate('{{ if and .Values.list (fail "no") }}y{{ end }}', scope), '');
  // `and` stops at its first false operand: the second, which would fail, is not evaluated.
  assert.equal(renderTemplate('{{ if and .Values.list (fail "no") }}y{{ end }}', scope), '');
});
