// The profile repository: notification flags and webhook, default pool and default dataset bucket per user.
import { readBool, writeBool } from './codec.js';
import type { StoreContext } from './context.js';

export interface Profile {
  readonly userName: string;
  readonly emailNotification: boolean;
  readonly slackNotification: boolean;
  readonly pool: string | null;
  readonly bucket: string | null;
  /** The user's webhook URL as sealed by the credential vault; null when none is set. */
  readonly sealedWebhookUrl: string | null;
}

export interface ProfileRepository {
  /** The user's profile, created with both flags off when missing. */
  get(userName: string): Promise<Profile>;
  update(userName: string, fields: Partial<Omit<Profile, 'userName'>>): Promise<Profile>;
}

export function createProfileRepository(ctx: StoreContext): ProfileRepository {
  const read = async (userName: string): Promise<Profile | null> => {
    const row = await ctx.db
      .selectFrom('profile')
      .selectAll()
      .where('user_name', '=', userName)
      .executeTakeFirst();
    return row
      ? {
          userName,
          emailNotification: readBool(row.email_notification),
          slackNotification: readBool(row.slack_notification),
          pool: row.pool,
          bucket: row.bucket,
          sealedWebhookUrl: row.webhook_url,
        }
      : null;
  };
  const get = async (userName: string): Promise<Profile> => {
    const found = await read(userName);
    if (found) return found;
    await ctx.db
      .insertInto('profile')
      .values({
        user_name: userName,
        email_notification: 0,
        slack_notification: 0,
        pool: null,
        bucket: null,
        webhook_url: null,
      })
      .onConflict((oc) => oc.column('user_name').doNothing())
      .execute();
    return (
      (await read(userName)) ?? {
        userName,
        emailNotification: false,
        slackNotification: false,
        pool: null,
        bucket: null,
        sealedWebhookUrl: null,
      }
    );
  };
  return {
    get,
    async update(userName, fields) {
      const current = await get(userName);
      const next = { ...current, ...fields };
      await ctx.db
        .updateTable('profile')
        .set({
          email_notification: writeBool(next.emailNotification),
          slack_notification: writeBool(next.slackNotification),
          pool: next.pool,
          bucket: next.bucket,
          webhook_url: next.sealedWebhookUrl,
        })
        .where('user_name', '=', userName)
        .execute();
      return next;
    },
  };
}
