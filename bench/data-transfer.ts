// Data benchmark: upload and download N MiB in F files against a loopback s3rver, with `osmo data` and the awscli.
// Usage: node dist/bench/data-transfer.js [totalMiB=1024] [files=1000]; prints MB/s for both and their ratio.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestS3Server } from '../src/storage/testing/s3-test-server.js';

const totalMiB = Number(process.argv[2] ?? 1024);
const files = Number(process.argv[3] ?? 1000);
const bytesPerFile = Math.floor((totalMiB * 1024 * 1024) / files);
const totalBytes = bytesPerFile * files;

const work = await mkdtemp(join(tmpdir(), 'osmo-bench-data-'));
const server = await startTestS3Server(['bench']);
const src = join(work, 'src');
await mkdir(src);
for (let i = 0; i < files; i++) await writeFile(join(src, `f${i}.bin`), randomBytes(bytesPerFile));
const configDir = join(work, 'config');
await mkdir(configDir);
await writeFile(
  join(configDir, 'config.yaml'),
  `auth:\n  data:\n    s3://bench:\n      access_key_id: S3RVER\n      access_key: S3RVER\n      override_url: ${server.endpointUrl}\n      addressing_style: path\n`,
);
await writeFile(
  join(configDir, 'aws-config'),
  '[default]\nregion = us-east-1\ns3 =\n  addressing_style = path\n',
);
const env = {
  ...process.env,
  OSMO_CONFIG_FILE_DIR: configDir,
  AWS_ACCESS_KEY_ID: 'S3RVER',
  AWS_SECRET_ACCESS_KEY: 'S3RVER',
  AWS_CONFIG_FILE: join(configDir, 'aws-config'),
};

// The server runs in this process, so each client runs asynchronously while our loop keeps serving.
async function timed(command: string, args: readonly string[]): Promise<number> {
  const { spawn } = await import('node:child_process');
  const started = process.hrtime.bigint();
  await new Promise<void>((resolve, reject) => {
    const child = spawn(command, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`${command} failed: ${err}`))));
  });
  return Number(process.hrtime.bigint() - started) / 1e9;
}
const mbps = (seconds: number): number => totalBytes / 1e6 / seconds;
const osmoBin = join(process.cwd(), 'bin', 'osmo');

const osmoUp = await timed(process.execPath, [osmoBin, 'data', 'upload', 's3://bench/osmo', `${src}/*`]);
await mkdir(join(work, 'osmo-down'));
const osmoDown = await timed(process.execPath, [
  osmoBin,
  'data',
  'download',
  's3://bench/osmo',
  join(work, 'osmo-down'),
]);
const hasAws = spawnSync('aws', ['--version']).status === 0;
const awsUp = hasAws
  ? await timed('aws', [
      '--endpoint-url',
      server.endpointUrl,
      's3',
      'cp',
      '--recursive',
      '--quiet',
      src,
      's3://bench/aws',
    ])
  : Number.NaN;
const awsDown = hasAws
  ? await timed('aws', [
      '--endpoint-url',
      server.endpointUrl,
      's3',
      'cp',
      '--recursive',
      '--quiet',
      's3://bench/aws',
      join(work, 'aws-down'),
    ])
  : Number.NaN;

process.stdout.write(
  `data benchmark: ${files} files, ${(totalBytes / 1024 ** 2).toFixed(0)} MiB, s3rver on loopback\n`,
);
for (const [name, osmo, aws] of [
  ['upload', osmoUp, awsUp],
  ['download', osmoDown, awsDown],
] as const) {
  process.stdout.write(
    `${name.padEnd(8)} osmo data ${mbps(osmo).toFixed(1)} MB/s  awscli ${mbps(aws).toFixed(1)} MB/s  ratio osmo/awscli ${(mbps(osmo) / mbps(aws)).toFixed(2)}\n`,
  );
}
await server.close();
await rm(work, { recursive: true, force: true });
