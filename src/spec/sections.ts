// Splits a spec into its column-0 sections before Jinja and YAML.

import { usageError } from '../core/errors.js';

export const TOP_LEVEL_KEYS = ['workflow', 'default-values', 'version'] as const;
export type TopLevelKey = (typeof TOP_LEVEL_KEYS)[number];

const SECTION_START = /^([a-zA-Z][a-zA-Z0-9_-]*):/;

/** Each present section's text, starting with its own `key:` line. */
export type SpecSections = Partial<Record<TopLevelKey, string>>;

/** Lines before the first section are dropped; other lines belong to the section above them. */
export function splitSections(text: string): SpecSections {
  const sections: SpecSections = {};
  let current: TopLevelKey | null = null;
  let buffer: string[] = [];
  const flush = (): void => {
    if (current !== null) sections[current] = buffer.join('\n');
  };
  for (const line of text.split(/\r?\n/)) {
    const match = SECTION_START.exec(line);
    if (match === null) {
      buffer.push(line);
      continue;
    }
    const key = match[1] ?? '';
    if (!(TOP_LEVEL_KEYS as readonly string[]).includes(key)) {
      throw usageError(`Unknown top-level key "${key}" found in the workflow spec.`);
    }
    if (key in sections || key === current) {
      throw usageError(`Duplicate top-level key "${key}" found in the workflow spec.`);
    }
    flush();
    current = key as TopLevelKey;
    buffer = [line];
  }
  flush();
  if (sections.workflow === undefined) {
    throw usageError(
      'Workflow spec not found. The spec needs a top-level "workflow:" key at the start of a line (column 0).',
    );
  }
  return sections;
}

/** The 1-based line on which a present section starts, to count template lines as the user's file does. */
export function sectionStartLine(text: string, key: TopLevelKey): number {
  const index = text.split(/\r?\n/).findIndex((line) => SECTION_START.exec(line)?.[1] === key);
  return index < 0 ? 1 : index + 1;
}
