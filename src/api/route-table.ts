// Declares every route once: its access rule, its input schemas and its handler; the OpenAPI document derives from it.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { OpenApiShape } from './api-docs-page.js';
import type { Caller } from './auth/caller.js';
import { wireJsonSchemas, wireSchemaId } from './contract/wire-registry.js';
import { routeTag } from './route-tags.js';

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

export interface RouteDef<P = unknown, Q = unknown, B = unknown, R = unknown> {
  readonly method: HttpMethod;
  readonly url: string;
  readonly summary: string;
  /** The operation's name in the OpenAPI document, unique across the service. */
  readonly operationId?: string;
  /**
   * The answer's wire schema, registered in contract/wire-registry.ts: the OpenAPI document refers to
   * it and the handler must return its type (or answer through `reply` itself).
   */
  readonly response?: z.ZodType<R>;
  readonly access: AccessRule;
  readonly params?: z.ZodType<P>;
  readonly query?: z.ZodType<Q>;
  readonly body?: z.ZodType<B>;
  /** Plain-text (streamed) responses are documented as such. */
  readonly produces?: 'application/json' | 'text/plain' | 'text/html' | 'text/event-stream';
  /**
   * A cheap check before the body is read, to shed load: what it throws answers the request without
   * the service reading or parsing the body.
   */
  readonly admit?: (request: FastifyRequest) => void;
  /** A handler of a route that answers `null` may return nothing (registerRoutes sends `null`). */
  readonly handler: (
    input: RouteInput<P, Q, B>,
  ) => Promise<NoInfer<R> | FastifyReply | (null extends R ? void : never)>;
}

export type AnyRoute = RouteDef<unknown, unknown, unknown, unknown>;

/** Checks a definition against its own schemas, then erases its types so routes share one list. */
export const defineRoute = <P, Q, B, R = unknown>(def: RouteDef<P, Q, B, R>): AnyRoute =>
  def as unknown as AnyRoute;

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

/** An OpenAPI 3.1 document of the declared routes: access rules, parameters, bodies and answers. */
export function openApiDocument(routes: readonly AnyRoute[], version: string): OpenApiShape {
  const paths: OpenApiShape['paths'] = {};
  const tags = new Set<string>();
  for (const route of routes) {
    const path = route.url.replace(/:([A-Za-z_]+)/g, '{$1}');
    const parameters = [...schemaParameters(route.params, 'path'), ...schemaParameters(route.query, 'query')];
    const tag = routeTag(route.url);
    tags.add(tag);
    const operation: Record<string, unknown> = {
      ...(route.operationId === undefined ? {} : { operationId: route.operationId }),
      summary: route.summary,
      tags: [tag],
      'x-osmo-access': route.access,
      parameters,
      responses: {
        200: { description: 'OK', content: { [route.produces ?? 'application/json']: answerSchema(route) } },
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
    tags: [...tags].sort().map((name) => ({ name })),
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
      schemas: wireJsonSchemas(),
    },
    paths,
  };
}

const COMPONENT_PREFIX = '#/components/schemas/';

/** A registered answer is referred to; one that is not (a route still to be typed) stays undescribed. */
function answerSchema(route: AnyRoute): object {
  if (route.response === undefined) return {};
  const id = wireSchemaId(route.response);
  if (id !== undefined) return { schema: { $ref: `${COMPONENT_PREFIX}${id}` } };
  return { schema: z.toJSONSchema(route.response, { unrepresentable: 'any', io: 'output' }) };
}

function schemaParameters(
  schema: z.ZodType | undefined,
  where: 'path' | 'query',
): { name: string; in: string; required: boolean; schema: object }[] {
  if (schema === undefined) return [];
  const json = z.toJSONSchema(schema, { unrepresentable: 'any', io: 'input' }) as {
    properties?: Record<string, object>;
  };
  const shape = schema instanceof z.ZodObject ? (schema.shape as Record<string, z.ZodType>) : {};
  return Object.entries(json.properties ?? {}).map(([name, s]) => ({
    name,
    in: where,
    // A parameter is optional when leaving it out parses (a default, `.optional()`, or a list that
    // becomes empty): JSON Schema's `required` says otherwise for preprocessed lists.
    required: where === 'path' || shape[name]?.safeParse(undefined).success !== true,
    schema: s,
  }));
}
