// Turns every thrown error into upstream's error body; never leaks a stack.
import type { FastifyError, FastifyInstance } from 'fastify';
import { OsmoError } from '../core/index.js';
import { InputValidationError } from './route-table.js';

export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError | Error, request, reply) => {
    if (error instanceof OsmoError && error.code !== 'SERVER') {
      return reply
        .status(error.httpStatus)
        .send({ message: error.message, error_code: error.code, workflow_id: error.workflowId });
    }
    if (error instanceof InputValidationError) {
      return reply.status(422).send({ detail: error.detail });
    }
    const status = (error as FastifyError).statusCode;
    if (status !== undefined && status >= 400 && status < 500) {
      // Fastify's own client errors: malformed JSON, body too large, unsupported media type.
      return reply.status(status).send({ message: error.message, error_code: 'USAGE', workflow_id: null });
    }
    request.log.error({ err: error }, 'request failed');
    return reply.status(500).send({ message: `Internal server error: ${error.message}` });
  });
  app.setNotFoundHandler((request, reply) =>
    reply.status(404).send({ message: `Not found: ${request.method} ${request.url.split('?')[0] ?? ''}` }),
  );
}
