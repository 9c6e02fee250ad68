import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { EXIT_CODES } from '../../core/index.js';
import {
  assignTasksToNodes,
  batchScript,
  endOfLostAttempt,
  gpuCount,
  hostPlaceholder,
  isControllerUnreachable,
  isJobActive,
  nodeInventory,
  parseJobRecord,
  parseNodes,
  parseSacct,
  parseSqueue,
  parseTasksPerNode,
  resolveHosts,
  sbatchArguments,
  stepArguments,
  DEFAULT_NICE,
  type SlurmPolicy,
} from './index.js';
import { makeAttempt } from '../contract.js';

// As Debian's slurm-wlm 22.05 prints them (`scontrol show node --oneliner`), one node per line.
const NODES = [
  'NodeName=gpu01 Arch=x86_64 CoresPerSocket=16  CPUAlloc=4 CPUEfctv=62 CPUTot=64 CPULoad=3.10 AvailableFeatures=a100,ib ActiveFeatures=a100,ib Gres=gpu:a100:8(S:0-1) NodeAddr=10.0.0.11 NodeHostName=gpu01 Version=22.05.8 OS=Linux 6.1.0-18-amd64 #1 SMP PREEMPT_DYNAMIC Debian 6.1.76-1 (2024-02-01)  RealMemory=515000 AllocMem=0 FreeMem=500000 Sockets=2 Boards=1 State=MIXED ThreadsPerCore=2 TmpDisk=100000 Weight=1 Owner=N/A MCS_label=N/A Partitions=gpu,all  BootTime=2026-01-01T00:00:00 SlurmdStartTime=2026-01-01T00:00:10 CfgTRES=cpu=64,mem=515000M,billing=64,gres/gpu=8 AllocTRES=cpu=4 CapWatts=n/a CurrentWatts=0 AveWatts=0 ExtSensorsJoules=n/s ExtSensorsWatts=0 ExtSensorsTemp=n/s',
  'NodeName=cpu01 Arch=x86_64 CoresPerSocket=1  CPUAlloc=0 CPUTot=8 CPULoad=0.00 AvailableFeatures=(null) ActiveFeatures=(null) Gres=(null) NodeAddr=cpu01 NodeHostName=cpu01 RealMemory=32000 AllocMem=0 State=IDLE+DRAIN TmpDisk=0 Partitions=all Reason=disk check failed [root@2026-01-02T00:00:00]',
  'NodeName=cpu02 CPUTot=4 Gres=gpu:2,gpu:v100:1,shard:8 RealMemory=8000 State=IDLE* Partitions=all',
  '',
].join('\n');

const policy = (extra: Partial<SlurmPolicy> = {}): SlurmPolicy => ({
  partition: null,
  account: null,
  qos: {},
  nice: DEFAULT_NICE,
  extraArgs: [],
  ...extra,
});

void describe('slurm records', () => {
  void test('scontrol show node: capacity, address, state, features and free text', () => {
    const [gpu, cpu, flaky] = parseNodes(NODES);
    assert.deepEqual(gpu, {
      name: 'gpu01',
      address: '10.0.0.11',
      cpu: 62,
      memoryBytes: 515000 * 1024 * 1024,
      tmpDiskBytes: 100000 * 1024 * 1024,
      gpu: 8,
      state: 'MIXED',
      partitions: ['gpu', 'all'],
      features: ['a100', 'ib'],
    });
    assert.equal(cpu?.cpu, 8, 'CPUTot where CPUEfctv is not printed');
    assert.equal(cpu?.state, 'IDLE+DRAIN');
    assert.deepEqual(cpu?.features, []);
    assert.equal(flaky?.gpu, 3, 'typed and untyped gpu gres add up; shards are not GPUs');
    assert.equal(flaky?.address, 'cpu02', 'no NodeAddr: the name');
  });

  void test('inventory: drained and unresponsive nodes offer nothing; a partition narrows it', () => {
    const nodes = parseNodes(NODES);
    assert.deepEqual(
      nodeInventory(nodes, null).map((n) => n.name),
      ['gpu01'],
    );
    assert.deepEqual(nodeInventory(nodes, 'gpu')[0]?.labels, {
      'slurm/partitions': 'gpu,all',
      'slurm/feature.a100': 'true',
      'slurm/feature.ib': 'true',
    });
    assert.deepEqual(nodeInventory(nodes, 'debug'), []);
  });

  void test('gres values', () => {
    assert.equal(gpuCount('gpu:4'), 4);
    assert.equal(gpuCount('gpu:a100:4(S:0-1)'), 4);
    assert.equal(gpuCount('gpu'), 1);
    assert.equal(gpuCount('(null)'), 0);
    assert.equal(gpuCount('mps:100'), 0);
  });

  void test('squeue lines in the backend format; a reason may hold the separator', () => {
    assert.deepEqual(parseSqueue('12|osmo-ab|RUNNING|None\n13|osmo-cd|PENDING|Resources|x\n\nbad\n'), [
      { jobId: '12', name: 'osmo-ab', state: 'RUNNING', reason: 'None' },
      { jobId: '13', name: 'osmo-cd', state: 'PENDING', reason: 'Resources|x' },
    ]);
  });

  void test('scontrol show job and sacct: state, exit code and signal', () => {
    assert.deepEqual(
      parseJobRecord(
        'JobId=7 JobName=osmo-x UserId=root(0) JobState=CANCELLED Reason=None Dependency=(null) ExitCode=0:15 RunTime=00:00:03',
      ),
      { state: 'CANCELLED', reason: 'None', exitCode: 0, signal: 15 },
    );
    assert.equal(parseJobRecord(''), null);
    assert.deepEqual(parseSacct('7|CANCELLED by 0|0:15|None\n7.batch|CANCELLED|0:15|\n', '7'), {
      state: 'CANCELLED',
      reason: 'None',
      exitCode: 0,
      signal: 15,
    });
    assert.equal(parseSacct('8|COMPLETED|0:0|None', '7'), null);
  });

  void test('job states: active ones, and the end of an attempt whose job ended without a report', () => {
    for (const s of ['PENDING', 'RUNNING', 'COMPLETING', 'CONFIGURING', 'SUSPENDED', 'REQUEUED']) {
      assert.ok(isJobActive(s), s);
    }
    for (const s of [
      'COMPLETED',
      'FAILED',
      'CANCELLED',
      'CANCELLED+',
      'TIMEOUT',
      'NODE_FAIL',
      'OUT_OF_MEMORY',
    ]) {
      assert.ok(!isJobActive(s), s);
    }
    const end = (state: string, exitCode: number | null = 0) =>
      endOfLostAttempt('9', { state, reason: 'None', exitCode, signal: null });
    assert.equal(end('CANCELLED').status, 'FAILED_CANCELED');
    assert.match(end('CANCELLED').message, /outside osmo/);
    assert.equal(end('PREEMPTED').status, 'FAILED_PREEMPTED');
    assert.equal(end('TIMEOUT').status, 'FAILED_EXEC_TIMEOUT');
    assert.equal(end('DEADLINE').status, 'FAILED_EXEC_TIMEOUT');
    assert.equal(end('NODE_FAIL').status, 'FAILED_EVICTED');
    assert.equal(end('BOOT_FAIL').status, 'FAILED_EVICTED');
    assert.deepEqual([end('OUT_OF_MEMORY').status, end('OUT_OF_MEMORY').exitCode], ['FAILED', 137]);
    const failed = end('FAILED', 2);
    assert.equal(failed.status, 'FAILED_BACKEND_ERROR');
    assert.equal(failed.exitCode, EXIT_CODES.BACKEND_ERROR);
    assert.match(failed.message, /job 9 ended FAILED, exit 2/);
    assert.match(endOfLostAttempt('9', null).message, /no longer known to Slurm/);
  });

  void test('an unreachable controller is told from a refused job', () => {
    assert.ok(
      isControllerUnreachable(
        'sbatch: error: Batch job submission failed: Unable to contact slurm controller (connect failure)',
      ),
    );
    assert.ok(isControllerUnreachable('sbatch: no answer in 30 s (timed out)'));
    assert.ok(
      !isControllerUnreachable(
        'sbatch: error: Batch job submission failed: Invalid partition name specified',
      ),
    );
    assert.ok(
      !isControllerUnreachable(
        'sbatch: error: Batch job submission failed: Requested node configuration is not available',
      ),
    );
  });

  void test('tasks per node and placement of a group on its allocation', () => {
    assert.deepEqual(parseTasksPerNode('2(x3),1'), [2, 2, 2, 1]);
    assert.deepEqual(parseTasksPerNode('1'), [1]);
    assert.deepEqual(assignTasksToNodes(['a', 'b'], [2, 1], 3), ['a', 'a', 'b']);
    assert.throws(() => assignTasksToNodes(['a'], [1], 2), /1 task slots for 2 tasks/);
  });
});

void describe('slurm job request', () => {
  const one = { name: 'osmo-1', jobDir: '/w/j', priority: 'NORMAL' as const };

  void test('one task: its CPUs, memory and GPUs as --gres; NORMAL priority as nice', () => {
    const args = sbatchArguments(
      { ...one, tasks: [{ cpu: 1.5, memoryBytes: 100 * 1024 * 1024 + 1, gpu: 2 }] },
      policy(),
    );
    assert.deepEqual(args, [
      '--parsable',
      '--job-name=osmo-1',
      '--chdir=/w/j',
      '--output=/w/j/slurm-%j.out',
      '--export=ALL',
      '--no-requeue',
      '--nice=100',
      '--ntasks=1',
      '--cpus-per-task=2',
      '--mem=101M',
      '--gres=gpu:2',
    ]);
  });

  void test('a group: one job of as many tasks, each slot as large as the largest task', () => {
    const args = sbatchArguments(
      {
        ...one,
        priority: 'HIGH',
        tasks: [
          { cpu: 1, memoryBytes: 1024 ** 3, gpu: 0 },
          { cpu: 4, memoryBytes: 2 * 1024 ** 3, gpu: 1 },
        ],
      },
      policy({ partition: 'gpu', account: 'lab', extraArgs: ['--time=60'] }),
    );
    assert.deepEqual(args.slice(6), [
      '--partition=gpu',
      '--account=lab',
      '--ntasks=2',
      '--cpus-per-task=4',
      '--mem-per-cpu=512M',
      '--gpus-per-task=1',
      '--time=60',
    ]);
  });

  void test('a QOS configured for a priority replaces its nice value', () => {
    const args = sbatchArguments(
      { ...one, priority: 'LOW', tasks: [{ cpu: 1, memoryBytes: 1, gpu: 0 }] },
      policy({ qos: { LOW: 'scavenger' } }),
    );
    assert.ok(args.includes('--qos=scavenger'));
    assert.ok(!args.some((a) => a.startsWith('--nice')));
    const low = sbatchArguments(
      { ...one, priority: 'LOW', tasks: [{ cpu: 1, memoryBytes: 1, gpu: 0 }] },
      policy(),
    );
    assert.ok(low.includes('--nice=1000'));
  });

  void test('steps are pinned to their node with their own share', () => {
    assert.deepEqual(stepArguments({ cpu: 2, memoryBytes: 1024 ** 3, gpu: 1 }, 'gpu01'), [
      '--nodelist=gpu01',
      '--nodes=1',
      '--ntasks=1',
      '--exact',
      '--cpus-per-task=2',
      '--mem=1024M',
      '--kill-on-bad-exit=0',
      '--gpus=1',
    ]);
  });

  void test('the batch script exports the environment quoted and runs the job entry', () => {
    const script = batchScript('/usr/bin/node', '/opt/osmo/slurm-job.js', "/w/it's", {
      PATH: '/bin',
      TRICKY: "a'b $HOME",
      'BAD NAME': 'x',
    });
    assert.equal(
      script,
      [
        '#!/bin/sh',
        "export PATH='/bin'",
        "export TRICKY='a'\\''b $HOME'",
        "exec '/usr/bin/node' '/opt/osmo/slurm-job.js' '/w/it'\\''s'",
        '',
      ].join('\n'),
    );
  });

  void test('{{host:task}} placeholders are filled in command, args, environment and text files', () => {
    const launch = makeAttempt('/s', {
      command: ['curl', `http://${hostPlaceholder('server')}:8000`],
      args: [hostPlaceholder('other')],
      environment: { PEER: hostPlaceholder('server') },
      files: [
        { path: '/a', contents: `host=${hostPlaceholder('server')}`, base64: false },
        { path: '/b', contents: 'aGk=', base64: true },
      ],
    });
    const { launch: filled, unresolved } = resolveHosts(launch, { server: '10.0.0.5' });
    assert.deepEqual(filled.command, ['curl', 'http://10.0.0.5:8000']);
    assert.deepEqual(filled.args, ['other']);
    assert.deepEqual(filled.environment, { PEER: '10.0.0.5' });
    assert.equal(filled.files[0]?.contents, 'host=10.0.0.5');
    assert.equal(filled.files[1]?.contents, 'aGk=');
    assert.deepEqual(unresolved, ['other']);
  });
});
