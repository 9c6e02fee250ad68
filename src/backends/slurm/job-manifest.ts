// What the backend leaves for a Slurm job in its job directory (job.json), and how `{{host:task}}`
// travels: as a placeholder that the job replaces with the node address once Slurm has placed it.
import { join } from 'node:path';
import { z } from 'zod';
import type { AttemptLaunch } from '../../core/index.js';

export const JobManifestSchema = z.object({
  groupUuid: z.string(),
  /** Merged `task name → address` of every job this group ran, for tasks not in this job. */
  hostsFile: z.string(),
  attempts: z.array(
    z.object({
      dir: z.string(),
      taskName: z.string(),
      cpu: z.number(),
      memoryBytes: z.number(),
      gpu: z.number().int().nonnegative(),
    }),
  ),
});
export type JobManifest = z.infer<typeof JobManifestSchema>;

export const jobManifestPath = (jobDir: string): string => join(jobDir, 'job.json');

/** Per attempt directory: which job runs it (`jobId` null while sbatch is being asked). */
export const SubmissionSchema = z.object({
  batchId: z.string(),
  jobName: z.string(),
  jobDir: z.string(),
  jobId: z.string().nullable(),
});
export type Submission = z.infer<typeof SubmissionSchema>;

export const SUBMISSION_FILE = 'slurm-job.json';

/** Task names are `[A-Za-z0-9_-]`: the placeholder's brackets cannot occur in one. */
export const PLACEHOLDER_MARK = '{{osmo-slurm-host:';
export const hostPlaceholder = (taskName: string): string => `${PLACEHOLDER_MARK}${taskName}}}`;
const PLACEHOLDER = /\{\{osmo-slurm-host:([^{}]+)\}\}/g;

/**
 * The launch with every placeholder replaced by the task's address; a task `hosts` does not know
 * keeps its name (what a cluster's DNS usually answers for a peer) and is named in `unresolved`.
 */
export function resolveHosts(
  launch: AttemptLaunch,
  hosts: Readonly<Record<string, string>>,
): { launch: AttemptLaunch; unresolved: string[] } {
  const unresolved = new Set<string>();
  const sub = (text: string): string =>
    text.replace(PLACEHOLDER, (_all, name: string) => {
      const host = hosts[name];
      if (host === undefined) unresolved.add(name);
      return host ?? name;
    });
  return {
    launch: {
      ...launch,
      command: launch.command.map(sub),
      args: launch.args.map(sub),
      environment: Object.fromEntries(Object.entries(launch.environment).map(([k, v]) => [k, sub(v)])),
      // Base64 contents were never substituted by the engine either.
      files: launch.files.map((f) => (f.base64 ? f : { ...f, contents: sub(f.contents) })),
    },
    unresolved: [...unresolved],
  };
}
