// The engine failures Podman reports on hosts like this one map to the containers.conf setting that fixes them.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { engineSettingsHint } from './engine-hints.js';

test('missing ulimits: the rlimit failure of runc asks for default_ulimits', () => {
  const hint = engineSettingsHint(
    'Failed to start the command "sh": runc: runc create failed: unable to start container process: error during container init: error setting rlimits for ready process: error setting rlimit type 7: operation not permitted: OCI permission denied',
  );
  assert.match(hint ?? '', /default_ulimits = \["nofile=1024:1024", "nproc=1024:1024"\]/);
});

test('crun absent or refused: asks for runtime = "runc"', () => {
  assert.match(
    engineSettingsHint('default OCI runtime "crun" not found: invalid argument') ?? '',
    /runtime = "runc"/,
  );
  assert.match(
    engineSettingsHint('crun: cannot set limits: operation not permitted: OCI permission denied') ?? '',
    /runtime = "runc"/,
  );
});

test('a task that fails on its own gets no hint', () => {
  assert.equal(engineSettingsHint('Command exited with 1'), null);
  assert.equal(engineSettingsHint(null), null);
});
