// The looping yes/no confirmation of `app delete` and `app rename`.
import type { CliDeps } from '../../cli-deps.js';

/** True for yes; `n`/`no` or the end of input is a no. Anything else asks again. */
export async function confirmLoop(
  question: string,
  deps: Pick<CliDeps, 'io' | 'readLine'>,
): Promise<boolean> {
  for (;;) {
    deps.io.out(`${question}\n[y/n]: `);
    const answer = await deps.readLine();
    if (answer === null) {
      deps.io.out('\n');
      return false;
    }
    const word = answer.trim().toLowerCase();
    if (word === 'y' || word === 'yes') return true;
    if (word === 'n' || word === 'no') return false;
    deps.io.out('Invalid input\n');
  }
}
