// Submits N one-task workflows through the HTTP API and prints throughput and submit-to-RUNNING latency.
// Usage: node dist/bench/submit.js [N=1000] [concurrency=16]
import { percentile, runSubmitLoad } from './submit-load.js';

const total = Number(process.argv[2] ?? 1000);
const concurrency = Number(process.argv[3] ?? 16);

const r = await runSubmitLoad(total, concurrency);
const ms = (sorted: readonly number[], digits: number): string =>
  `${percentile(sorted, 50).toFixed(digits)} / ${percentile(sorted, 99).toFixed(digits)} ms`;
process.stdout.write(
  [
    `workflows:                 ${total} (${r.completed} COMPLETED), concurrency ${concurrency}`,
    `submit throughput:         ${(total / r.submitSeconds).toFixed(1)} workflows/s`,
    `submit request p50 / p99:  ${ms(r.submitLatencies, 1)}`,
    `submit-to-RUNNING p50/p99: ${ms(r.toRunning, 0)}`,
    `all finished after:        ${r.allSeconds.toFixed(1)} s (${(total / r.allSeconds).toFixed(1)} workflows/s end to end)`,
    '',
  ].join('\n'),
);
