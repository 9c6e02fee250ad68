// Help that fits its terminal: descriptions wrap beside their flags, or beneath them when the
// terminal is too narrow for two columns (commander alone stops wrapping below 40 free columns).
import { Help, type Command } from 'commander';

/** Below this many free columns beside a flag, its description moves to the lines under it. */
const NARROW_COLUMNS = 30;
const UNDER_INDENT = 6;

function formatItem(term: string, termWidth: number, description: string, helper: Help): string {
  const width = helper.helpWidth ?? 80;
  if (description === '' || width - termWidth - 4 >= NARROW_COLUMNS) {
    return Help.prototype.formatItem.call(helper, term, termWidth, description, helper);
  }
  const indent = ' '.repeat(UNDER_INDENT);
  const wrapped = helper.boxWrap(description, Math.max(10, width - UNDER_INDENT));
  return `  ${term}\n${indent}${wrapped.replace(/\n/g, `\n${indent}`)}`;
}

/** Applies the layout to `cmd` (each command keeps its own help settings). */
export function fitHelpToTerminal(cmd: Command): void {
  cmd.configureHelp({ minWidthToWrap: 10, formatItem });
}
