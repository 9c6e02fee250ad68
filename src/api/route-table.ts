// Declares every route once: its access rule, its input schemas and its handler; the OpenAPI document derives from it.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Caller } from './auth/caller.js';

/** Who may call a route. A route without a declared rule is refused (see auth/authenticate.ts). */
export const ACCESS_RULES = ['public', 'user', 'admin'] as const;
export type AccessRule = (typeof ACCESS_RULES)[number];

export const HTTP_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;
export type HttpMethod = (typeof HTTP_METHODS)[number];

export interface RouteInput<P, Q, B> {
  readonly params: P;
  readonly query: Q;
  readonly body: B;
  readonly caller: Caller | null;
  readonly request: FastifyRequest;
  readonly reply: FastifyReply;
}

export interface RouteDef<P = unknown, Q = unknown, B = unknown> {
  readonly method: HttpMethod;
  readonly url: string;
  readonly summary: string;
  readonly access: AccessRule;
  readonly params?: z.ZodType<P>;
  readonly query?: z.ZodType<Q>;
  readonly body?: z.ZodType<B>;
  /** Plain-text (streamed) responses are documented as such. */
  readonly produces?: 'application/json' | 'text/plain';
  /**
   * A cheap check before the body is read, to shed load: what it throws answers the request without
   * the service reading or parsing the body.
   */
  readonly admit?: (request: FastifyRequest) => void;
  readonly handler: (input: RouteInput<P, Q, B>) => Promise<unknown>;
}

export type AnyRoute = RouteDef<unknown, unknown, unknown>;

/** Checks a definition against its own schemas, then erases its types so routes share one list. */
export const defineRoute = <P, Q, B>(def: RouteDef<P, Q, B>): AnyRoute => def as unknown as AnyRoute;

// The routes of one app, kept so the OpenAPI document lists exactly what is served.
export type RouteList = AnyRoute[];

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: AccessRule;
  }
  interface FastifyRequest {
    caller: Caller | null;
  }
}

export function registerRoutes(app: FastifyInstance, routes: readonly AnyRoute[]): void {
  for (const route of routes) {
    app.route({
      method: route.method,
      url: route.url,
      config: { access: route.access },
      ...(route.admit ? { onRequest: async (request: FastifyRequest) => route.admit?.(request) } : {}),
      handler: async (request, reply) => {
        const params = parseInput(route.params, request.params);
        const query = parseInput(route.query, request.query);
        const body = parseInput(route.body, request.body);
        const result = await route.handler({ params, query, body, caller: request.caller, request, reply });
        if (reply.sent) return reply;
        // Upstream answers every success with 200 and `null` for handlers that return nothing.
        return reply.send(result === undefined ? null : result);
      },
    });
  }
}

/** Validation failures answer 422 with a `detail` list, as upstream's FastAPI does. */
export class InputValidationError extends Error {
  constructor(readonly detail: readonly { loc: string[]; msg: string }[]) {
    super(detail.map((d) => `${d.loc.join('.')}: ${d.msg}`).join('; '));
  }
}

function parseInput<T>(schema: z.ZodType<T> | undefined, raw: unknown): T {
  if (schema === undefined) return raw as T;
  const result = schema.safeParse(raw ?? {});
  if (result.success) return result.data;
  throw new InputValidationError(
    result.error.issues.map((i) => ({ loc: i.path.map(String), msg: i.message })),
  );
}

/** An OpenAPI 3.1 document of the declared routes, their access rules and parameters. */
export function openApiDocument(routes: readonly AnyRoute[], version: string): object {
  const paths: Record<string, Record<string, object>> = {};
  for (const route of routes) {
    const path = route.url.replace(/:([A-Za-z_]+)/g, '{$1}');
    const parameters = [...schemaParameters(route.params, 'path'), ...schemaParameters(route.query, 'query')];
    const operation: Record<string, unknown> = {
      summary: route.summary,
      'x-osmo-access': route.access,
      parameters,
      responses: {
        200: { description: 'OK', content: { [route.produces ?? 'application/json']: {} } },
      },
    };
    if (route.access !== 'public') operation.security = [{ bearer: [] }];
    if (route.body) {
      operation.requestBody = {
        content: { 'application/json': { schema: z.toJSONSchema(route.body, { unrepresentable: 'any' }) } },
      };
    }
    (paths[path] ??= {})[route.method.toLowerCase()] = operation;
  }
  return {
    openapi: '3.1.0',
    info: { title: 'OSMO service', version },
    components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
    paths,
  };
}

function schemaParameters(schema: z.ZodType | undefined, where: 'path' | 'query'): object[] {
  if (schema === undefined) return [];
  const json = z.toJSONSchema(schema, { unrepresentable: 'any', io: 'input' }) as {
    properties?: Record<string, object>;
    required?: string[];
  };
  return Object.entries(json.properties ?? {}).map(([name, s]) => ({
    name,
    in: where,
    required: where === 'path' || (json.required ?? []).includes(name),
    schema: s,
  }));
}
