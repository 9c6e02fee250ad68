// The caller's profile: default pool and notification flags (service-api.md §3.4).
import { z } from 'zod';
import { userError } from '../../core/index.js';
import { allowedPools } from '../../identity/index.js';
import { wireTime } from '../contract/query-values.js';
import type { ApiDeps } from '../deps.js';
import type { RouteList } from '../route-table.js';
import { defineRoute } from '../route-table.js';

const SettingsBody = z.object({
  email_notification: z.boolean().nullable().optional(),
  slack_notification: z.boolean().nullable().optional(),
  pool: z.string().nullable().optional(),
});

// `expires_at` is null only when the token row cannot be found (service-api.md §3.4).
async function tokenJson(deps: ApiDeps, user: string, name: string): Promise<object> {
  const token = await deps.store.tokens.findGrant(user, name);
  return { name, expires_at: wireTime(token?.expiresAt ?? null) };
}

export function profileRoutes(deps: ApiDeps): RouteList {
  return [
    defineRoute({
      method: 'GET',
      url: '/api/profile/settings',
      summary: "The caller's profile, roles and accessible pools",
      access: 'user',
      handler: async ({ caller }) => {
        if (!caller) throw userError('access denied', 403);
        const profile = await deps.store.profiles.get(caller.user);
        return {
          profile: {
            username: caller.user,
            email_notification: profile.emailNotification,
            slack_notification: profile.slackNotification,
            pool: profile.pool,
          },
          roles: [...caller.roles],
          // Only the pools the caller's roles allow (service-api.md §6.7).
          pools: allowedPools(
            caller,
            Object.keys(deps.ctx.config.current().pools).sort(),
            deps.ctx.config.current().roles,
          ),
          token: caller.tokenName === null ? null : await tokenJson(deps, caller.user, caller.tokenName),
        };
      },
    }),
    defineRoute({
      method: 'POST',
      url: '/api/profile/settings',
      summary: "Updates the caller's default pool or notification flags",
      access: 'user',
      body: SettingsBody,
      handler: async ({ caller, body }) => {
        if (!caller) throw userError('access denied', 403);
        if (
          body.pool !== undefined &&
          body.pool !== null &&
          !(body.pool in deps.ctx.config.current().pools)
        ) {
          throw userError(`Pool ${body.pool} not found.`);
        }
        await deps.store.profiles.update(caller.user, {
          ...(typeof body.email_notification === 'boolean'
            ? { emailNotification: body.email_notification }
            : {}),
          ...(typeof body.slack_notification === 'boolean'
            ? { slackNotification: body.slack_notification }
            : {}),
          ...(typeof body.pool === 'string' ? { pool: body.pool } : {}),
        });
        return null;
      },
    }),
  ];
}
