// Wire schemas of the service's own routes: health, readiness and versions.
import { z } from 'zod';
import { wire } from './wire-registry.js';

export const Health = wire('Health', z.object({ status: z.literal('OK') }));

export const Readiness = wire(
  'Readiness',
  z.object({ status: z.enum(['OK', 'UNAVAILABLE']), problems: z.array(z.string()).optional() }),
  'OK, or (with status 503) UNAVAILABLE and what did not answer.',
);

export const VersionObject = wire(
  'VersionObject',
  z.object({
    major: z.string(),
    minor: z.string(),
    revision: z.string(),
    hash: z.string(),
    /** osmo's own build (ours: the reference's service leaves it out). */
    osmo_version: z.string().optional(),
  }),
);
export type VersionObject = z.infer<typeof VersionObject>;

/** The OpenAPI document itself: an object this schema does not describe further. */
export const OpenApiDocument = wire('OpenApiDocument', z.record(z.string(), z.unknown()));

export const ReplicaStatus = wire(
  'ReplicaStatus',
  z.object({
    /** Whether this service is one of several on one database (started with --replicas). */
    replicas: z.boolean(),
    /** Whether this one drives the engine; a lone service always does. */
    leader: z.boolean(),
    /** The engine lease's term this replica holds, null when it holds none or runs alone. */
    term: z.number().int().nullable(),
  }),
  'Whether this service replica leads the engine (ours: upstream runs one service).',
);
