// Transfer progress on stderr: a redrawn bar on a terminal (bytes, files, rate, ETA), silence otherwise.
import type { Io } from './io.js';

const REDRAW_MS = 100;
const BAR_WIDTH = 24;

export interface Progress {
  /** One object done: its bytes count toward the total. */
  advance(bytes: number): void;
  /** Ends the bar (a final redraw and a newline on a terminal). */
  finish(): void;
}

export function createProgress(
  io: Io,
  label: string,
  total: { readonly files: number; readonly bytes: number },
  nowMs: () => number,
): Progress {
  const started = nowMs();
  let files = 0;
  let bytes = 0;
  let drawnAt = 0;
  const draw = (force: boolean): void => {
    if (!io.isTty) return;
    const now = nowMs();
    if (!force && now - drawnAt < REDRAW_MS) return;
    drawnAt = now;
    io.err(`\r${progressLine(label, { files, bytes }, total, (now - started) / 1000)}`);
  };
  return {
    advance: (n) => {
      files += 1;
      bytes += n;
      draw(false);
    },
    finish: () => {
      draw(true);
      if (io.isTty) io.err('\n');
    },
  };
}

/** `Uploading  42% |██████░░░░| 12/200 files, 4.0 MiB/9.5 MiB, 3.1 MiB/s, ETA 0:02` */
export function progressLine(
  label: string,
  done: { readonly files: number; readonly bytes: number },
  total: { readonly files: number; readonly bytes: number },
  elapsedSeconds: number,
): string {
  const fraction =
    total.bytes > 0 ? done.bytes / total.bytes : total.files > 0 ? done.files / total.files : 1;
  const filled = Math.round(Math.min(1, fraction) * BAR_WIDTH);
  const rate = elapsedSeconds > 0 ? done.bytes / elapsedSeconds : 0;
  const eta = rate > 0 ? Math.max(0, (total.bytes - done.bytes) / rate) : null;
  return (
    `${label} ${String(Math.floor(fraction * 100)).padStart(3)}% |${'█'.repeat(filled)}${'░'.repeat(BAR_WIDTH - filled)}| ` +
    `${done.files}/${total.files} files, ${formatBytes(done.bytes)}/${formatBytes(total.bytes)}, ` +
    `${formatBytes(rate)}/s, ETA ${eta === null ? '?' : clock(eta)}`
  );
}

/** Sizes as the reference prints them (cli.md §18): `0 B`, `<n> B` below 1 KiB, else one decimal. */
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
