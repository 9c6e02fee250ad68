// The slurm backend's settings: where jobs go (partition, account), how priorities map (QOS or nice),
// and the shared directory the service and the nodes both see. From OSMO_SLURM_* variables.
import { z } from 'zod';

const PRIORITY = z.enum(['HIGH', 'NORMAL', 'LOW']);

export const SlurmConfigSchema = z.object({
  partition: z.string().min(1).nullable().default(null),
  account: z.string().min(1).nullable().default(null),
  /** A QOS per priority (`HIGH=high,LOW=scavenger`); the others get `--nice` (HIGH 0, NORMAL 100, LOW 1000). */
  qos: z.partialRecord(PRIORITY, z.string().min(1)).default({}),
  /** Added to every sbatch: `--time=...`, `--constraint=...`, `--reservation=...`. */
  sbatchArgs: z.array(z.string()).default([]),
  /**
   * Attempt and job directories: a path the service's host and every node see alike (NFS, Lustre).
   * Null: `<dataDir>/work`, right for a cluster whose nodes mount the data directory at the same path.
   */
  workDir: z.string().startsWith('/').nullable().default(null),
  /** Node.js on the nodes; null: the service's own executable path. */
  nodeExecutable: z.string().startsWith('/').nullable().default(null),
});
export type SlurmConfig = z.infer<typeof SlurmConfigSchema>;

/** `HIGH=high,LOW=scavenger` → { HIGH: 'high', LOW: 'scavenger' }; an unknown priority is an error. */
export function parseQosMap(text: string): SlurmConfig['qos'] {
  const out: Record<string, string> = {};
  for (const item of text.split(',').filter((s) => s.trim() !== '')) {
    const [priority = '', qos = ''] = item.split('=').map((s) => s.trim());
    if (!PRIORITY.safeParse(priority).success || qos === '') {
      throw new Error(`OSMO_SLURM_QOS: "${item}" is not PRIORITY=qos (HIGH, NORMAL or LOW)`);
    }
    out[priority] = qos;
  }
  return out;
}

export function slurmConfigFromEnv(env: Readonly<Record<string, string | undefined>>): Partial<SlurmConfig> {
  const out: { -readonly [K in keyof SlurmConfig]?: SlurmConfig[K] } = {};
  if (env.OSMO_SLURM_PARTITION) out.partition = env.OSMO_SLURM_PARTITION;
  if (env.OSMO_SLURM_ACCOUNT) out.account = env.OSMO_SLURM_ACCOUNT;
  if (env.OSMO_SLURM_QOS) out.qos = parseQosMap(env.OSMO_SLURM_QOS);
  if (env.OSMO_SLURM_SBATCH_ARGS) out.sbatchArgs = env.OSMO_SLURM_SBATCH_ARGS.split(/\s+/).filter(Boolean);
  if (env.OSMO_SLURM_WORK_DIR) out.workDir = env.OSMO_SLURM_WORK_DIR;
  if (env.OSMO_SLURM_NODE) out.nodeExecutable = env.OSMO_SLURM_NODE;
  return out;
}
