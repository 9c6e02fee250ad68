// The top-level error report on stdout, as text or as a JSON object.
import { toPythonJson } from './json.js';

export function renderErrorBlock(message: string, code: number, asJson: boolean): string {
  if (asJson) return `${toPythonJson({ message, code }, 2)}\n`;
  return `Error message: ${message}\nError code: ${code}\n`;
}
