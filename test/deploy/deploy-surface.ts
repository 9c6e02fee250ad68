// What the service really accepts, read from the service itself: the flags `osmo service start --help`
// lists, the variables src/config reads, and the NAME_FILE secrets the image's entrypoint turns into NAME.
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** Flags of `osmo service start`, from its help as the real CLI prints it. */
export async function serviceStartFlags(): Promise<Set<string>> {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [join(REPO_ROOT, 'bin', 'osmo'), 'service', 'start', '--help'],
    { timeout: 60_000 },
  );
  return new Set([...stdout.matchAll(/^\s+(?:-\w, )?(--[a-z][a-z-]*)/gm)].map((m) => m[1] ?? ''));
}

/**
 * Variables the service reads: those src/config reads (as the environment doc test finds them), and
 * PGPASSWORD, which the PostgreSQL client reads when the URL carries no password.
 */
export function serviceVariables(): Set<string> {
  const dir = join(REPO_ROOT, 'src', 'config');
  const names = new Set<string>(['PGPASSWORD']);
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))) {
    const text = readFileSync(join(dir, file), 'utf8');
    for (const m of text.matchAll(/env(?:\.([A-Z][A-Z0-9_]+)|\[['"]([A-Z][A-Z0-9_]+)['"]\])/g))
      names.add(m[1] ?? m[2] ?? '');
    for (const m of text.matchAll(/value\('([A-Z][A-Z0-9_]+)'\)/g)) names.add(m[1] ?? '');
  }
  return names;
}

export const ENTRYPOINT = join(REPO_ROOT, 'deploy', 'container', 'entrypoint.sh');

/** The variables the entrypoint fills from NAME_FILE, from its own loop. */
export function entrypointFileVariables(): Set<string> {
  const text = readFileSync(ENTRYPOINT, 'utf8');
  const loop = /for name in ([^;]+);/.exec(text)?.[1] ?? '';
  return new Set(loop.replace(/\\\n/g, ' ').split(/\s+/).filter(Boolean));
}

/** Names that hold secrets: their values may come only from files or interpolation, never inline. */
export const SECRET_NAME = /(KEY|PASSWORD|SECRET|TOKEN|WEBHOOK_URL)$/;

/** A URL with a password in it (`scheme://user:password@host`). */
export const URL_WITH_PASSWORD = /:\/\/[^/@:]+:[^/@]+@/;
