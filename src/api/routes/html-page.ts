// The small HTML pages the service serves itself (device approval, OAuth authorization): no scripts, no framing.
import type { FastifyReply } from 'fastify';

export const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * Sends a page. Its forms post only to this origin; `formTargets` adds the origins a form's answer may
 * redirect to (browsers apply `form-action` to the redirect as well), and nothing can embed the page
 * to trick a click.
 */
export function page(
  reply: FastifyReply,
  status: number,
  title: string,
  body: string,
  formTargets: readonly string[] = [],
): FastifyReply {
  const formAction = ["'self'", ...formTargets].join(' ');
  return reply
    .code(status)
    .header(
      'content-security-policy',
      `default-src 'none'; style-src 'unsafe-inline'; form-action ${formAction}; frame-ancestors 'none'`,
    )
    .header('x-frame-options', 'DENY')
    .header('cache-control', 'no-store')
    .type('text/html; charset=utf-8')
    .send(
      `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>` +
        '<style>body{font-family:sans-serif;max-width:28rem;margin:3rem auto}label{display:block;margin:.6rem 0}' +
        'input{display:block;width:100%;padding:.3rem}button{margin:.8rem .4rem 0 0;padding:.4rem 1rem}</style>' +
        `</head><body><h1>${escapeHtml(title)}</h1>${body}</body></html>`,
    );
}
