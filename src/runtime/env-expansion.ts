// Expands `$(NAME)` in a task's command and args from its environment, as Kubernetes does for containers.

const OPERATOR = '$';
const OPENER = '(';
const CLOSER = ')';

/**
 * One command or argument with each `$(NAME)` replaced by NAME's value. The rules are Kubernetes'
 * (its kubelet expands container commands the same way; container engines do not):
 * `$(NAME)` of an undefined NAME stays as written, `$$` is one `$` (so `$$(NAME)` is the literal
 * `$(NAME)`), a `$` before anything else is kept with what follows, and an unterminated `$(` is kept.
 * A reference ends at the first `)`, so references do not nest: `$(A$(B))` looks up `A$(B`.
 */
export function expandEnvReferences(input: string, env: Readonly<Record<string, string>>): string {
  let out = '';
  let copiedTo = 0;
  for (let cursor = 0; cursor < input.length; cursor++) {
    // A `$` as the last character is not an operator: it is copied with the rest.
    if (input[cursor] !== OPERATOR || cursor + 1 === input.length) continue;
    out += input.slice(copiedTo, cursor);
    const next = input[cursor + 1];
    if (next === OPERATOR) {
      out += OPERATOR;
      cursor += 1;
    } else if (next === OPENER) {
      const close = input.indexOf(CLOSER, cursor + 2);
      if (close === -1) {
        // Only the `$(` is consumed: the rest is scanned as usual, so a later `$$` is still one `$`.
        out += OPERATOR + OPENER;
        cursor += 1;
      } else {
        const name = input.slice(cursor + 2, close);
        // Own keys only: `$(constructor)` must not find Object's.
        const value = Object.hasOwn(env, name) ? env[name] : undefined;
        out += value ?? `${OPERATOR}${OPENER}${name}${CLOSER}`;
        cursor = close;
      }
    } else {
      // A `$` before anything else is kept, together with that character.
      out += OPERATOR + next;
      cursor += 1;
    }
    copiedTo = cursor + 1;
  }
  return out + input.slice(copiedTo);
}

/** Every element expanded against the same environment (Kubernetes expands command and args alike). */
export const expandEnvReferencesIn = (
  values: readonly string[],
  env: Readonly<Record<string, string>>,
): string[] => values.map((value) => expandEnvReferences(value, env));
