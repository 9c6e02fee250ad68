// Wire schemas of apps (stored, versioned workflow specs).
import { z } from 'zod';
import { wire } from './wire-registry.js';

export const AppVersionEntry = wire(
  'AppVersionEntry',
  z.object({
    version: z.int(),
    created_by: z.string(),
    created_date: z.string().nullable(),
    status: z.string(),
  }),
);
export type AppVersionEntry = z.infer<typeof AppVersionEntry>;

export const AppInfo = wire(
  'AppInfo',
  z.object({
    uuid: z.string(),
    name: z.string(),
    description: z.string(),
    created_date: z.string().nullable(),
    owner: z.string(),
    versions: z.array(AppVersionEntry),
  }),
);
export type AppInfo = z.infer<typeof AppInfo>;

export const AppListEntry = wire(
  'AppListEntry',
  z.object({
    uuid: z.string(),
    name: z.string(),
    description: z.string(),
    created_date: z.string().nullable(),
    owner: z.string(),
    latest_version: z.int(),
  }),
);
export type AppListEntry = z.infer<typeof AppListEntry>;

export const AppList = wire(
  'AppList',
  z.object({ apps: z.array(AppListEntry), more_entries: z.boolean().optional() }),
);

export const AppVersionCreated = wire(
  'AppVersionCreated',
  z.object({
    uuid: z.string(),
    version: z.int(),
    name: z.string(),
    created_by: z.string(),
    created_date: z.string().nullable(),
  }),
);

/** The versions scheduled for deletion. */
export const AppVersionsDeleted = wire('AppVersionsDeleted', z.object({ versions: z.array(z.int()) }));

/** The app's new name, as a JSON string. */
export const AppRenamed = wire('AppRenamed', z.string());
