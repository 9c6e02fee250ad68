// Module-loader hooks for the start-up tests: appends the URL of every module the process loads to a file.
import { appendFileSync } from 'node:fs';

interface RecorderData {
  readonly file: string;
}

let file = '';

export function initialize(data: RecorderData): void {
  file = data.file;
}

type NextLoad = (url: string, context: unknown) => Promise<unknown>;

export async function load(url: string, context: unknown, nextLoad: NextLoad): Promise<unknown> {
  appendFileSync(file, `${url}\n`);
  return nextLoad(url, context);
}
