// Keeps platform tokens and `{% raw %}` blocks away from Jinja, to be restored verbatim.

/** Brace-tight tokens only: `{{ output }}` with spaces is a Jinja variable, not a token. */
export const SPECIAL_TOKEN_PATTERN = /\{\{(uuid|workflow_id|output|input:[^}]+|host:[^}]+)\}\}/g;
// @huggingface/jinja has no `raw` tag, so raw blocks are shielded the same way.
const RAW_BLOCK_PATTERN = /\{%-?\s*raw\s*-?%\}([\s\S]*?)\{%-?\s*endraw\s*-?%\}/g;

export interface ShieldedTemplate {
  readonly template: string;
  /** Internal variable name → the literal text Jinja must print in its place. */
  readonly literals: Readonly<Record<string, string>>;
}

/** Replaces each raw block, then each special token, with a unique internal variable. */
export function shieldTemplate(text: string): ShieldedTemplate {
  const literals: Record<string, string> = {};
  let next = 0;
  const hide = (literal: string, replaced: string): string => {
    const name = `osmo_shield_${next++}_x`;
    literals[name] = literal;
    // The placeholder spans as many lines as the text it replaces, so template errors name the user's line.
    return `{{ ${name}${'\n'.repeat(replaced.split('\n').length - 1)} }}`;
  };
  const withoutRaw = text.replace(RAW_BLOCK_PATTERN, (all: string, body: string) => hide(body, all));
  // Raw placeholders are brace-and-space, so the token pattern never matches them.
  const template = withoutRaw.replace(SPECIAL_TOKEN_PATTERN, (token) => hide(token, token));
  return { template, literals };
}
