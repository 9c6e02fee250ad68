// The caller's profile: default pool, default dataset bucket, notification flags and webhook.
import { z } from 'zod';
import { userError } from '../../core/index.js';
import { datasetBuckets } from '../../controller/dataset-buckets.js';
import { allowedPools } from '../../identity/index.js';
import { maskedUrl, WEBHOOK_SETTING, webhookUrlProblem } from '../../notifications/index.js';
import { wireTime } from '../contract/query-values.js';
import type { ApiDeps } from '../deps.js';
import type { RouteList } from '../route-table.js';
import { defineRoute } from '../route-table.js';
import { ProfileSettings } from '../contract/auth-wire.js';
import { Done } from '../contract/wire-registry.js';

const SettingsBody = z.object({
  email_notification: z.boolean().nullable().optional(),
  slack_notification: z.boolean().nullable().optional(),
  pool: z.string().nullable().optional(),
  // Upstream dropped this setting; it is kept because skills still write `osmo profile set bucket`.
  bucket: z.string().nullable().optional(),
  // Our addition: where the caller's signed webhook notifications go; "" removes it.
  webhook_url: z.string().max(2048).nullable().optional(),
});

// `expires_at` is null only when the token row cannot be found.
async function tokenJson(
  deps: ApiDeps,
  user: string,
  name: string,
): Promise<{ name: string; expires_at: string | null }> {
  const token = await deps.store.tokens.findGrant(user, name);
  return { name, expires_at: wireTime(token?.expiresAt ?? null) };
}

async function shownWebhook(deps: ApiDeps, user: string, sealed: string | null): Promise<string | null> {
  if (sealed === null) return null;
  const url = await deps.identity.vault.openSetting(user, WEBHOOK_SETTING, sealed);
  return url === null ? null : maskedUrl(url);
}

/** The sealed URL to store, null to remove it, undefined to leave it; refuses URLs outside the allowlist. */
async function webhookSetting(
  deps: ApiDeps,
  user: string,
  requested: string | null | undefined,
): Promise<string | null | undefined> {
  if (requested === undefined || requested === null) return undefined;
  if (requested === '') return null;
  const { webhookSecret, webhookUrlPrefixes } = deps.config.notifications;
  if (webhookSecret === null) throw userError('Webhook notifications are not enabled on this service.');
  const problem = webhookUrlProblem(requested, webhookUrlPrefixes);
  if (problem !== null) throw userError(problem);
  return deps.identity.vault.sealSetting(user, WEBHOOK_SETTING, requested);
}

export function profileRoutes(deps: ApiDeps): RouteList {
  return [
    defineRoute({
      method: 'GET',
      url: '/api/profile/settings',
      operationId: 'getProfileSettings',
      response: ProfileSettings,
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
            bucket: profile.bucket,
            // The origin only: the path of a webhook URL may be its secret.
            webhook_url: await shownWebhook(deps, caller.user, profile.sealedWebhookUrl),
          },
          roles: [...caller.roles],
          // Only the pools the caller's roles allow.
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
      operationId: 'updateProfileSettings',
      response: Done,
      summary: "Updates the caller's default pool, default bucket, notification flags or webhook",
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
        if (
          typeof body.bucket === 'string' &&
          !datasetBuckets(deps.ctx.storage).some((b) => b.name === body.bucket)
        ) {
          throw userError(`Bucket ${body.bucket} does not exist.`);
        }
        const webhook = await webhookSetting(deps, caller.user, body.webhook_url);
        await deps.store.profiles.update(caller.user, {
          ...(webhook === undefined ? {} : { sealedWebhookUrl: webhook }),
          ...(typeof body.email_notification === 'boolean'
            ? { emailNotification: body.email_notification }
            : {}),
          ...(typeof body.slack_notification === 'boolean'
            ? { slackNotification: body.slack_notification }
            : {}),
          ...(typeof body.pool === 'string' ? { pool: body.pool } : {}),
          ...(typeof body.bucket === 'string' ? { bucket: body.bucket } : {}),
        });
        return null;
      },
    }),
  ];
}
