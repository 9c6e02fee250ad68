// Reads answers to prompts from stdin one line at a time, without holding stdin open between questions.
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';

/**
 * Each call reads one line. Lines that arrive together (piped input) are queued for later calls;
 * the readline interface is closed after every answer so a finished command can exit.
 */
export function stdinLineReader(input: Readable = process.stdin): () => Promise<string | null> {
  const queued: string[] = [];
  let ended = false;
  return async () => {
    const next = queued.shift();
    if (next !== undefined) return next;
    // The stream may have ended while no interface listened (after the previous answer).
    if (ended || input.readableEnded) return null;
    return new Promise((resolve) => {
      const rl = createInterface({ input, terminal: false });
      let answered = false;
      rl.on('line', (line) => {
        if (answered) {
          queued.push(line);
          return;
        }
        answered = true;
        resolve(line);
        // Later lines of the same chunk still arrive in this tick; close once they are queued.
        setImmediate(() => rl.close());
      });
      rl.once('close', () => {
        if (input.readableEnded) ended = true;
        if (answered) return;
        ended = true;
        resolve(null);
      });
    });
  };
}
