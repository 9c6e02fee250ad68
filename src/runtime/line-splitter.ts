// Cuts a byte stream into text lines, splitting lines longer than 32 KiB as upstream's exec wrapper does.

export const MAX_LINE_BYTES = 32 * 1024;

/** Feeds chunks in, gets whole lines out; never cuts a UTF-8 character in half. */
export class LineSplitter {
  private pending: Buffer = Buffer.alloc(0);

  constructor(private readonly maxLineBytes: number = MAX_LINE_BYTES) {}

  push(chunk: Buffer): string[] {
    this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    const lines: string[] = [];
    for (;;) {
      const newline = this.pending.indexOf(0x0a);
      if (newline >= 0 && newline <= this.maxLineBytes) {
        lines.push(decodeLine(this.pending.subarray(0, newline)));
        this.pending = this.pending.subarray(newline + 1);
      } else if (this.pending.length > this.maxLineBytes) {
        const cut = characterBoundary(this.pending, this.maxLineBytes);
        lines.push(decodeLine(this.pending.subarray(0, cut)));
        this.pending = this.pending.subarray(cut);
      } else {
        return lines;
      }
    }
  }

  /** The unterminated last line, if any. */
  end(): string[] {
    const rest = this.pending;
    this.pending = Buffer.alloc(0);
    return rest.length === 0 ? [] : [decodeLine(rest)];
  }
}

function decodeLine(bytes: Buffer): string {
  const text = bytes.toString('utf8');
  return text.endsWith('\r') ? text.slice(0, -1) : text;
}

// Step back over UTF-8 continuation bytes (10xxxxxx) so the cut lands before a character's first byte.
function characterBoundary(bytes: Buffer, limit: number): number {
  let cut = limit;
  while (cut > limit - 4 && cut > 0 && ((bytes[cut] ?? 0) & 0xc0) === 0x80) cut--;
  return cut > 0 ? cut : limit;
}

/** Replaces every secret value in a line with `[MASKED]`, longest first so overlapping values mask fully. */
export function createSecretMasker(secrets: readonly string[]): (text: string) => string {
  const values = [...new Set(secrets.filter((s) => s.length > 0))].sort((a, b) => b.length - a.length);
  if (values.length === 0) return (text) => text;
  return (text) => values.reduce((masked, secret) => masked.split(secret).join('[MASKED]'), text);
}
