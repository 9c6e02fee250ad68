// The registry of named wire schemas: each becomes one component of the OpenAPI document, which the
// routes' answers and the schemas that contain it refer to by name.
import { z } from 'zod';

export const WIRE_SCHEMAS = z.registry<{ id: string; description?: string }>();

/** Names a wire schema (unique across the service) and registers it. */
export function wire<S extends z.ZodType>(id: string, schema: S, description?: string): S {
  if (WIRE_SCHEMAS.has(schema) || BY_ID.has(id)) throw new Error(`wire schema ${id} is registered twice`);
  BY_ID.set(id, schema);
  WIRE_SCHEMAS.add(schema, description === undefined ? { id } : { id, description });
  return schema;
}

export const wireSchemaId = (schema: z.ZodType): string | undefined => WIRE_SCHEMAS.get(schema)?.id;

const BY_ID = new Map<string, z.ZodType>();

const COMPONENT_PREFIX = '#/components/schemas/';

/**
 * Every registered schema as JSON Schema, by id, referring to each other as OpenAPI components
 * (`#/components/schemas/<id>`), without the dialect and id keys a component does not carry.
 */
export function wireJsonSchemas(): Record<string, object> {
  const { schemas } = z.toJSONSchema(WIRE_SCHEMAS, {
    uri: (id) => `${COMPONENT_PREFIX}${id}`,
    unrepresentable: 'any',
    io: 'output',
  });
  return Object.fromEntries(
    Object.entries(schemas)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([id, schema]) => {
        const { $schema: _dialect, $id: _id, ...rest } = schema as Record<string, unknown>;
        return [id, rest];
      }),
  );
}

/** The wire schema registered under `id` (its module must have been loaded). */
export const wireSchemaById = (id: string): z.ZodType | undefined => BY_ID.get(id);

/** The answer of routes that answer JSON `null` once done (upstream's FastAPI returns None). */
export const Done = wire('Done', z.null(), 'Done: the answer carries nothing.');

/** Any JSON: configurations of types this service does not keep, read and written as they are. */
export const AnyJson = wire('AnyJson', z.unknown());

/** A plain-text or HTML answer (logs, specs, pages), documented as a string. */
export const Text = wire('Text', z.string());

/** The answer of a route that never answers 200 (it refuses, and says why). */
export const Refused = wire('Refused', z.never(), 'Never answers 200: the error says why.');

const JsonRpcMessage = z.looseObject({ jsonrpc: z.literal('2.0') });

/** JSON-RPC 2.0 answers of the MCP endpoint: one message or a batch. */
export const JsonRpcAnswer = wire('JsonRpcAnswer', z.union([JsonRpcMessage, z.array(JsonRpcMessage)]));
