// The flags upload and download share (`--regex`, `--processes`, `--threads`, `--benchmark-out`) and the summary.
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import { join } from 'node:path';
import type { Command } from 'commander';
import type { CliDeps } from '../../cli-deps.js';
import { intOption } from '../../parse/options.js';

export interface TransferFlags {
  readonly regex?: string;
  readonly processes?: number;
  readonly threads?: number;
  readonly benchmarkOut?: string;
}

/** Parallel object transfers never exceed this, whatever processes × threads asks for. */
const MAX_CONCURRENCY = 64;
const DEFAULT_THREADS = 20;

export function addTransferFlags(command: Command): Command {
  return command
    .option('-x, --regex <regex>', 'Regex to filter which types of files to transfer.')
    .addOption(intOption('-p, --processes <n>', 'Number of processes (default: CPU count).', 1))
    .addOption(intOption('-T, --threads <n>', 'Number of threads per process (default 20).', 1))
    .option('-b, --benchmark-out <dir>', 'Directory to write transfer metrics to.');
}

/** processes × threads objects in flight, capped: one process here runs them all on its event loop. */
export function concurrencyOf(flags: TransferFlags): number {
  return Math.min(MAX_CONCURRENCY, (flags.processes ?? cpus().length) * (flags.threads ?? DEFAULT_THREADS));
}

export interface TransferTotals {
  readonly files: number;
  readonly bytes: number;
  readonly seconds: number;
}

/** `--benchmark-out`: one JSON file of metrics per transfer. */
export async function writeBenchmark(
  dir: string | undefined,
  kind: string,
  totals: TransferTotals,
): Promise<void> {
  if (dir === undefined) return;
  await mkdir(dir, { recursive: true });
  const mbps = totals.seconds > 0 ? totals.bytes / 1e6 / totals.seconds : 0;
  await writeFile(
    join(dir, `${kind}-${Date.now()}.json`),
    `${JSON.stringify({ kind, files: totals.files, size_bytes: totals.bytes, seconds: totals.seconds, mb_per_second: mbps })}\n`,
  );
}

/** The closing lines of a transfer on stderr: the success line, then the failures. */
export function reportFailures(
  deps: CliDeps,
  verb: 'Upload' | 'Download',
  failures: readonly string[],
): void {
  if (failures.length === 0) return;
  deps.io.err(`${verb} Failed on files:\n${failures.map((f) => `${f}\n`).join('')}`);
}
