// Parses HTML-form and OAuth request bodies (application/x-www-form-urlencoded) into plain objects.
import type { FastifyInstance } from 'fastify';

export function installFormParser(app: FastifyInstance): void {
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(body as string)));
  });
}
