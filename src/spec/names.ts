// Workflow, group and task names: syntax, length, uniqueness and the reserved name.

import { usageError } from '../core/errors.js';

export const NAME_PATTERN = /^[a-zA-Z]([a-zA-Z0-9_-]*[a-zA-Z0-9])?$/;
const NAME = '[a-zA-Z]([a-zA-Z0-9_-]*[a-zA-Z0-9])?';
/** `task` or `<workflow_id>:<task>` in a task input. */
export const TASK_REFERENCE_PATTERN = new RegExp(`^${NAME}(:${NAME})?$`);
export const DEFAULT_MAX_NAME_LENGTH = 64;
export const RESERVED_TASK_NAME = 'osmo-ctrl';

/** Case and `_`/`-` folding used by every uniqueness check. */
export const normaliseName = (name: string): string => name.toLowerCase().replaceAll('_', '-');

/** Throws OsmoError(USAGE) when the name does not match the name regex. */
export function checkNameSyntax(name: string, what: string): void {
  if (!NAME_PATTERN.test(name)) {
    throw usageError(
      `${what} name "${name}" is invalid. Names must start with a letter, end with a letter or digit and contain only letters, digits, "_" and "-".`,
    );
  }
}

export function checkNameLength(name: string, maxLength: number): void {
  if (name.length > maxLength)
    throw usageError(`Name ${name} is too long. It must be ${maxLength} characters or less.`);
}

/** All task and group names together must be unique after folding. */
export function checkUniqueNames(names: readonly string[]): void {
  const seen = new Set<string>();
  for (const name of names) {
    const folded = normaliseName(name);
    if (seen.has(folded)) {
      throw usageError(
        `Multiple tasks/groups have the same name: "${folded}". Note that names are not case sensitive and we consider "-" and "_" the same.`,
      );
    }
    seen.add(folded);
  }
}

export function checkReservedTaskName(name: string): void {
  if (normaliseName(name.slice(0, 63)) === RESERVED_TASK_NAME) {
    throw usageError(`Container ${name} cannot be named "${RESERVED_TASK_NAME}". This is a restricted name.`);
  }
}
