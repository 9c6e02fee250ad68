import { test } from 'node:test';
import assert from 'node:assert/strict';
import { captureIo } from './io.js';
import { createProgress, progressLine } from './progress.js';

const MiB = 1024 * 1024;

test('the bar moves with bytes inside one large file, not only when it finishes', () => {
  const io = captureIo(true, { columns: 100 });
  let now = 0;
  const progress = createProgress(io, 'Uploading', { files: 1, bytes: 310 * MiB }, () => now);
  const file = progress.start(310 * MiB);
  for (let i = 0; i < 31; i += 1) {
    now += 200;
    file.bytes(10 * MiB);
  }
  file.done();
  progress.finish();
  const frames = io
    .stderr()
    .split('\r')
    .filter((f) => f !== '');
  const percents = frames.map((f) => Number(/(\d+)%/.exec(f)?.[1]));
  assert.ok(percents.includes(3) && percents.includes(35) && percents.includes(64), percents.join(','));
  const clear = '\u001b[K';
  assert.ok(
    frames.every((f) => f.replace('\n', '').replace(clear, '').length <= 99),
    'frames fit the terminal',
  );
  assert.match(frames.at(-1) ?? '', /100% .* 1\/1 files, 310\.0 MiB\/310\.0 MiB/);
});

test('nothing is drawn when stderr is not a terminal, even when stdout is', () => {
  const io = captureIo(true, { errIsTty: false });
  const progress = createProgress(io, 'Downloading', { files: 2, bytes: 10 }, () => 0);
  progress.advance(5);
  progress.start(5).done();
  progress.finish();
  assert.equal(io.stderr(), '');
});

test('a retried body never counts past its object, and done() adds what was not reported', () => {
  const io = captureIo(true);
  let now = 0;
  const progress = createProgress(io, 'Uploading', { files: 2, bytes: 200 }, () => (now += 1000));
  const first = progress.start(100);
  first.bytes(80);
  first.bytes(80);
  first.done();
  progress.advance(100);
  progress.finish();
  assert.match(io.stderr(), /100% .* 2\/2 files, 200 B\/200 B/);
  const percents = [...io.stderr().matchAll(/(\d+)%/g)].map((m) => Number(m[1]));
  assert.deepEqual(percents, [40, 50, 50, 100, 100]);
});

test('progressLine drops detail to fit narrow terminals', () => {
  const done = { files: 3, bytes: 5 * MiB };
  const total = { files: 9, bytes: 10 * MiB };
  const wide = progressLine('Uploading', done, total, 2, 120);
  assert.match(wide, /^Uploading {2}50% \|█+░+\| 3\/9 files, 5\.0 MiB\/10\.0 MiB, 2\.5 MiB\/s, ETA 0:02$/);
  for (const columns of [60, 40, 30]) {
    const line = progressLine('Uploading', done, total, 2, columns);
    assert.ok(line.length < columns, `${columns}: ${line}`);
    assert.match(line, /50%/);
  }
});
