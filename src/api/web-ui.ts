// Serves the built web UI (web/dist) at `/`, same origin as the API, with a fallback to index.html for the UI's routes.
import { createReadStream } from 'node:fs';
import type { Stats } from 'node:fs';
import { stat } from 'node:fs/promises';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/** Where `npm run build` puts the UI: `web/dist` at the repository root (this file runs from dist/src/api/). */
export const DEFAULT_WEB_ROOT = fileURLToPath(new URL('../../../web/dist/', import.meta.url));

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

/**
 * The page's own policy: scripts and connections only from this origin, never framed. Inline styles
 * are allowed because React sets `style` attributes (bar widths, graph positions).
 */
const PAGE_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy':
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
    "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'; object-src 'none'",
  'x-frame-options': 'DENY',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};

// Vite names every file under assets/ after its content hash, so those never change under one name.
const IMMUTABLE = 'public, max-age=31536000, immutable';

const NOT_BUILT_PAGE =
  '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>OSMO</title></head><body>' +
  '<h1>The OSMO web UI is not built</h1><p>This service answers its API under <code>/api</code>, ' +
  'but the web UI was not built. Run <code>npm run build</code> and restart the service.</p></body></html>';

export interface WebUiOptions {
  /** The folder holding index.html and assets/. */
  readonly root: string;
}

/** Paths the UI never owns: the API and the service's own endpoints keep their JSON answers. */
const isServicePath = (path: string): boolean =>
  path === '/api' || path.startsWith('/api/') || path === '/health' || path.startsWith('/client/');

export function installWebUi(app: FastifyInstance, options: WebUiOptions): void {
  const root = resolve(options.root);
  app.route({
    method: 'GET',
    url: '/*',
    config: { access: 'public' },
    handler: async (request, reply) => {
      const path = (request.url.split('?')[0] ?? '/').split('#')[0] ?? '/';
      // No UI route has an empty segment: `//apix/pool` is a mistyped API path, answered as one.
      if (isServicePath(path) || path.includes('//')) return reply.callNotFound();
      const relative = safeRelativePath(path);
      if (relative === null) return reply.code(400).send({ message: 'Bad path', error_code: 'USAGE' });
      if (relative !== '') {
        const file = join(root, relative);
        const found = await regularFile(file);
        if (found) return sendFile(request, reply, file, found, relative.startsWith(`assets${sep}`));
        // A missing asset is a 404, not the page: a stale tab asking for an old bundle must see it fail.
        if (relative.startsWith(`assets${sep}`) || extname(relative) !== '') return reply.callNotFound();
      }
      const index = join(root, 'index.html');
      const page = await regularFile(index);
      if (!page) {
        return reply
          .code(503)
          .headers(PAGE_HEADERS)
          .header('cache-control', 'no-store')
          .type('text/html; charset=utf-8')
          .send(NOT_BUILT_PAGE);
      }
      return sendFile(request, reply, index, page, false);
    },
  });
}

/**
 * The request path as a path inside the root, or null when it could leave it: encoded slashes,
 * backslashes, NUL bytes and `..` segments are refused rather than resolved.
 */
export function safeRelativePath(urlPath: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return null;
  const segments = decoded.split('/').filter((s) => s !== '' && s !== '.');
  if (segments.some((s) => s === '..' || s.startsWith('.'))) return null;
  const relative = normalize(segments.join(sep));
  return relative === '.' ? '' : relative;
}

async function regularFile(path: string): Promise<Stats | null> {
  try {
    const s = await stat(path);
    return s.isFile() ? s : null;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT' || (err as NodeJS.ErrnoException).code === 'ENOTDIR')
      return null;
    throw err;
  }
}

function sendFile(
  request: FastifyRequest,
  reply: FastifyReply,
  file: string,
  stats: Stats,
  immutable: boolean,
): FastifyReply {
  const type = CONTENT_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream';
  const etag = `W/"${stats.size.toString(16)}-${Math.floor(stats.mtimeMs).toString(16)}"`;
  reply
    .header('content-type', type)
    .header('etag', etag)
    .header('x-content-type-options', 'nosniff')
    // The page itself is revalidated every time so a rebuilt UI is picked up at once.
    .header('cache-control', immutable ? IMMUTABLE : 'no-cache');
  if (type.startsWith('text/html')) reply.headers(PAGE_HEADERS);
  if (request.headers['if-none-match'] === etag) return reply.code(304).send();
  reply.header('content-length', stats.size);
  return reply.send(createReadStream(file));
}
