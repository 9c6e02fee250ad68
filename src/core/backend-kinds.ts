// The kinds of compute backend a backend configuration may name; which of them this build can run is
// decided where the backends are made (src/main/backend-factories.ts).
export const BACKEND_KINDS = ['process', 'docker', 'kubernetes', 'slurm'] as const;
export type BackendKind = (typeof BACKEND_KINDS)[number];
