// Prints a SubmitResponse as text or as 4-space JSON.
import type { Io } from '../../output/io.js';
import { toPythonJson } from '../../output/json.js';
import type { FormatType } from '../../parse/options.js';
import type { SubmitResponse } from '../shared/wire.js';

export function printSubmitResponse(
  io: Io,
  response: SubmitResponse,
  format: FormatType,
  headline: string,
  lowPriorityWarning: boolean,
): void {
  if (format === 'json') {
    io.out(`${toPythonJson(response, 4)}\n`);
    return;
  }
  const lines = [
    headline,
    `Workflow ID        - ${response.name}`,
    `Workflow Overview  - ${response.overview ?? 'None'}`,
  ];
  if (response.dashboard_url !== null && response.dashboard_url !== undefined) {
    lines.push(`Workflow Dashboard - ${response.dashboard_url}`);
  }
  for (const warning of response.warnings ?? []) lines.push(`WARNING: ${warning}`);
  if (lowPriorityWarning) lines.push('', 'WARNING: LOW priority can be preempted during the run.');
  io.out(`${lines.join('\n')}\n`);
}
