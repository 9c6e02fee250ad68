// Personal access tokens, own and (admin) another user's, as `osmo token` calls them.
import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import { userError } from '../../core/index.js';
import type { Store } from '../../store/index.js';
import { repeated, wireTime } from '../contract/query-values.js';
import { hashSecret, newSecret } from '../auth/sessions.js';
import type { Caller } from '../auth/caller.js';
import type { RouteList } from '../route-table.js';
import { defineRoute } from '../route-table.js';
import { roleJson } from './users.js';
import {
  AccessTokenList,
  AccessTokenRoles,
  TokenSecret,
  type AccessTokenEntry,
} from '../contract/auth-wire.js';
import { Done } from '../contract/wire-registry.js';

export const TOKEN_NAME = /^[a-zA-Z]([a-zA-Z0-9_-]*[a-zA-Z0-9])?$/;
const DAY_MS = 86400_000;

export interface TokenRouteDeps {
  readonly store: Store;
  readonly now: () => Date;
  readonly maxTokenDurationDays: number;
}

const CreateQuery = z.object({
  expires_at: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD'),
  description: z.string().max(1000).default(''),
  roles: repeated,
});

const startOfUtcDay = (d: Date): number => Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());

const callerOf = (caller: Caller | null): Caller => {
  if (caller === null) throw userError('access denied', 403);
  return caller;
};

async function createToken(
  deps: TokenRouteDeps,
  owner: string,
  name: string,
  query: z.infer<typeof CreateQuery>,
  assignedBy: string,
): Promise<string> {
  if (!TOKEN_NAME.test(name)) throw userError(`Token name ${name} must match regex ${TOKEN_NAME.source}`);
  const expires = new Date(`${query.expires_at}T00:00:00Z`);
  const today = startOfUtcDay(deps.now());
  if (Number.isNaN(expires.getTime()) || expires.getTime() <= today) {
    throw userError(`Expiry date ${query.expires_at} must be a date after today (UTC).`);
  }
  if (expires.getTime() > today + deps.maxTokenDurationDays * DAY_MS) {
    throw userError(`Expiry date ${query.expires_at} is more than ${deps.maxTokenDurationDays} days away.`);
  }
  const held = (await deps.store.users.getRoles(owner)).map((r) => r.roleName);
  const roles = query.roles.length === 0 ? held : [...new Set(query.roles)];
  if (roles.some((r) => !held.includes(r))) {
    throw userError('User does not have all the requested roles. Token creation failed.');
  }
  if (roles.length === 0) throw userError('A token needs at least one role; the user has none.');
  const existing = await deps.store.tokens.listByUser(owner);
  if (existing.some((t) => t.tokenName === name)) throw userError(`Token name ${name} already exists.`);
  const secret = newSecret();
  const at = deps.now();
  await deps.store.transaction(async (tx) => {
    await tx.tokens.create({
      userName: owner,
      tokenName: name,
      tokenHash: hashSecret(secret),
      expiresAt: expires,
      description: query.description,
      kind: 'personal',
      createdAt: at,
    });
    await tx.accounts.setTokenRoles(owner, name, roles, assignedBy, at);
  });
  return secret;
}

/** Upstream answers with the raw token as a JSON string (`"abc"`), not as plain text. */
function asJsonString(reply: FastifyReply, secret: string): FastifyReply {
  return reply.type('application/json; charset=utf-8').send(JSON.stringify(secret));
}

async function listTokens(deps: TokenRouteDeps, owner: string): Promise<AccessTokenEntry[]> {
  const tokens = await deps.store.tokens.listByUser(owner, 'personal');
  return Promise.all(
    tokens.map(async (t) => ({
      user_name: t.userName,
      token_name: t.tokenName,
      expires_at: wireTime(t.expiresAt),
      description: t.description,
      roles: (await deps.store.accounts.getTokenRoles(owner, t.tokenName)).map((r) => r.roleName),
    })),
  );
}

async function deleteToken(deps: TokenRouteDeps, owner: string, name: string): Promise<null> {
  const token = (await deps.store.tokens.listByUser(owner, 'personal')).find((t) => t.tokenName === name);
  if (token === undefined) throw userError(`Access token ${name} does not exist.`);
  await deps.store.tokens.deleteByName(owner, name);
  return null;
}

async function targetUser(deps: TokenRouteDeps, id: string): Promise<string> {
  if (id === '' || (await deps.store.users.get(id)) === null) throw userError(`User ${id} not found`);
  return id;
}

export function accessTokenRoutes(deps: TokenRouteDeps): RouteList {
  const named = z.object({ token_name: z.string() });
  const forUser = z.object({ user_id: z.string() });
  const forUserNamed = z.object({ user_id: z.string(), token_name: z.string() });
  return [
    defineRoute({
      method: 'POST',
      url: '/api/auth/access_token/:token_name',
      operationId: 'createAccessToken',
      response: TokenSecret,
      summary: 'Create a personal access token; the raw token is returned once',
      access: 'user',
      params: named,
      query: CreateQuery,
      handler: async ({ params, query, caller, reply }) => {
        const me = callerOf(caller).user;
        return asJsonString(reply, await createToken(deps, me, params.token_name, query, me));
      },
    }),
    defineRoute({
      method: 'DELETE',
      url: '/api/auth/access_token/:token_name',
      operationId: 'deleteAccessToken',
      response: Done,
      summary: 'Delete one of your personal access tokens',
      access: 'user',
      params: named,
      handler: async ({ params, caller }) => deleteToken(deps, callerOf(caller).user, params.token_name),
    }),
    defineRoute({
      method: 'GET',
      url: '/api/auth/access_token',
      operationId: 'listAccessTokens',
      response: AccessTokenList,
      summary: 'Your personal access tokens (never their values)',
      access: 'user',
      handler: async ({ caller }) => listTokens(deps, callerOf(caller).user),
    }),
    defineRoute({
      method: 'GET',
      url: '/api/auth/access_token/:token_name/roles',
      operationId: 'getAccessTokenRoles',
      response: AccessTokenRoles,
      summary: 'The roles of one of your personal access tokens',
      access: 'user',
      params: named,
      handler: async ({ params, caller }) => {
        const me = callerOf(caller).user;
        const token = (await deps.store.tokens.listByUser(me, 'personal')).find(
          (t) => t.tokenName === params.token_name,
        );
        if (token === undefined) throw userError(`Access token ${params.token_name} does not exist.`);
        const roles = await deps.store.accounts.getTokenRoles(me, params.token_name);
        return { user_name: me, token_name: params.token_name, roles: roles.map(roleJson) };
      },
    }),
    defineRoute({
      method: 'POST',
      url: '/api/auth/user/:user_id/access_token/:token_name',
      operationId: 'createUserAccessToken',
      response: TokenSecret,
      summary: 'Create a personal access token for another user (admin)',
      access: 'admin',
      params: forUserNamed,
      query: CreateQuery,
      handler: async ({ params, query, caller, reply }) =>
        asJsonString(
          reply,
          await createToken(
            deps,
            await targetUser(deps, params.user_id),
            params.token_name,
            query,
            callerOf(caller).user,
          ),
        ),
    }),
    defineRoute({
      method: 'GET',
      url: '/api/auth/user/:user_id/access_token',
      operationId: 'listUserAccessTokens',
      response: AccessTokenList,
      summary: "Another user's personal access tokens (admin)",
      access: 'admin',
      params: forUser,
      handler: async ({ params }) => listTokens(deps, await targetUser(deps, params.user_id)),
    }),
    defineRoute({
      method: 'DELETE',
      url: '/api/auth/user/:user_id/access_token/:token_name',
      operationId: 'deleteUserAccessToken',
      response: Done,
      summary: "Delete another user's personal access token (admin)",
      access: 'admin',
      params: forUserNamed,
      handler: async ({ params }) =>
        deleteToken(deps, await targetUser(deps, params.user_id), params.token_name),
    }),
  ];
}
