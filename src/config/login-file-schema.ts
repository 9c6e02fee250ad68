// The zod shape of login.yaml, loaded lazily so that commands without a login stay fast.
import { z } from 'zod';

const TokenLoginSchema = z.object({
  id_token: z.string(),
  refresh_token: z.string().nullable().default(null),
  refresh_url: z.string().nullable().default(null),
  client_id: z.string().nullable().default(null),
  username: z.string().nullable().default(null),
});

export const LoginFileSchema = z.object({
  url: z.string(),
  token_login: TokenLoginSchema.nullable().default(null),
  dev_login: z.object({ username: z.string() }).nullable().default(null),
  osmo_token: z.boolean().default(false),
  name: z
    .string()
    .nullable()
    .default('')
    .transform((v) => v ?? ''),
});
