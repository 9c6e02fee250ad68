// Transfer progress on stderr: a bar redrawn as bytes move (not as whole files finish), sized to the
// terminal, and only when stderr is a terminal, so a redirected log holds no redraw frames.
import type { Io } from './io.js';

const REDRAW_MS = 100;
const MAX_BAR = 30;
const MIN_BAR = 8;
/** Erases what a longer earlier frame left on the line. */
const CLEAR_TO_END = '\u001b[K';

/** One object in flight. */
export interface ObjectProgress {
  /** More of its bytes moved. */
  bytes(n: number): void;
  /** It is done: whatever of its size was not reported as moving counts now (an object skipped by resume). */
  done(): void;
}

export interface Progress {
  /** An object of `sizeBytes` starts moving. */
  start(sizeBytes: number): ObjectProgress;
  /** One object done in one step (moved without byte reports, or skipped). */
  advance(sizeBytes: number): void;
  /** Ends the bar (a final redraw and a newline on a terminal). */
  finish(): void;
}

interface Totals {
  readonly files: number;
  readonly bytes: number;
}

export function createProgress(io: Io, label: string, total: Totals, nowMs: () => number): Progress {
  const started = nowMs();
  let files = 0;
  let bytes = 0;
  let drawnAt = Number.NEGATIVE_INFINITY;
  const draw = (force: boolean): void => {
    if (!io.errIsTty) return;
    const now = nowMs();
    if (!force && now - drawnAt < REDRAW_MS) return;
    drawnAt = now;
    const line = progressLine(label, { files, bytes }, total, (now - started) / 1000, io.columns('err'));
    io.err(`\r${line}${CLEAR_TO_END}`);
  };
  const start = (sizeBytes: number): ObjectProgress => {
    let moved = 0;
    let finished = false;
    return {
      bytes: (n) => {
        if (finished) return;
        // A retried request reads its body again: never count more than the object holds.
        const counted = Math.max(0, Math.min(n, sizeBytes - moved));
        moved += counted;
        bytes += counted;
        draw(false);
      },
      done: () => {
        if (finished) return;
        finished = true;
        bytes += Math.max(0, sizeBytes - moved);
        files += 1;
        draw(false);
      },
    };
  };
  return {
    start,
    advance: (sizeBytes) => start(sizeBytes).done(),
    finish: () => {
      if (!io.errIsTty) return;
      draw(true);
      io.err('\n');
    },
  };
}

/**
 * `Uploading  42% |██████░░░░| 12/200 files, 4.0 MiB/9.5 MiB, 3.1 MiB/s, ETA 0:02`, fitted to
 * `columns`: the bar shrinks first, then the rate and file counts are left out.
 */
export function progressLine(
  label: string,
  done: Totals,
  total: Totals,
  elapsedSeconds: number,
  columns?: number,
): string {
  const fraction = Math.min(
    1,
    total.bytes > 0 ? done.bytes / total.bytes : total.files > 0 ? done.files / total.files : 1,
  );
  const rate = elapsedSeconds > 0 ? done.bytes / elapsedSeconds : 0;
  const eta = rate > 0 ? Math.max(0, (total.bytes - done.bytes) / rate) : null;
  const percent = `${String(Math.floor(fraction * 100)).padStart(3)}%`;
  const sizes = `${formatBytes(done.bytes)}/${formatBytes(total.bytes)}`;
  const fileCount = `${done.files}/${total.files} files`;
  const speed = `${formatBytes(rate)}/s`;
  const etaText = `ETA ${eta === null ? '?' : clock(eta)}`;
  // Fullest first; the first that fits with at least a small bar is drawn.
  const layouts = [[fileCount, sizes, speed, etaText], [sizes, speed, etaText], [sizes, etaText], [sizes]];
  const width = columns === undefined ? Number.POSITIVE_INFINITY : columns - 1;
  for (const parts of layouts) {
    const tail = parts.join(', ');
    const fixed = `${label} ${percent} || ${tail}`.length;
    const barWidth = Math.min(MAX_BAR, width - fixed);
    if (barWidth >= MIN_BAR || parts.length === 1) {
      return `${label} ${percent} |${bar(fraction, Math.max(0, barWidth))}| ${tail}`.slice(
        0,
        Math.max(0, width),
      );
    }
  }
  return `${label} ${percent}`;
}

function bar(fraction: number, width: number): string {
  const filled = Math.round(fraction * width);
  return `${'█'.repeat(filled)}${'░'.repeat(width - filled)}`;
}

/** Sizes as the reference prints them: `0 B`, `<n> B` below 1 KiB, else one decimal. */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${Math.round(bytes)} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value.toFixed(1)} ${units[unit] ?? 'TiB'}`;
}

const clock = (seconds: number): string => {
  const s = Math.round(seconds);
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
};
