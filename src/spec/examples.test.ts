// Every reference example renders with its defaults and validates, through the same two passes the CLI drives.

import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, test } from 'node:test';
import { parse, stringify } from 'yaml';
import { OsmoError } from '../core/errors.js';
import { isTemplated, parseWorkflowSpec, renderWorkflowTemplate } from './index.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const EXAMPLES_DIR = join(ROOT, 'test', 'fixtures', 'examples');

export function exampleFiles(dir = EXAMPLES_DIR): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((f) => (statSync(join(dir, f)).isDirectory() ? exampleFiles(join(dir, f)) : [join(dir, f)]));
}

// Examples with `{{ storage_url }}` and no default need it on the command line.
const VALUES = { set: [], setString: ['storage_url=s3://bucket/prefix'] };
// Upstream rejects this one: default-values nested under workflow leaves its variables undefined.
const REJECTED: Readonly<Record<string, RegExp>> = {
  'skills/osmo-user/evals/files/jinja_workflow.yaml':
    /^Jinja substitution failure: line \d+: 'epochs' is undefined$/,
};

/** What the CLI does between the dry-run render and the submit: inline `localpath` files (helpers not copied). */
function inlineLocalFiles(rendered: string): string {
  const doc = parse(rendered) as { workflow: { tasks?: unknown[]; groups?: { tasks: unknown[] }[] } };
  const tasks = [...(doc.workflow.tasks ?? []), ...(doc.workflow.groups ?? []).flatMap((g) => g.tasks)];
  for (const task of tasks as { files?: Record<string, unknown>[] }[]) {
    for (const file of task.files ?? []) {
      if ('localpath' in file) {
        file['contents'] = `# contents of ${String(file['localpath'])}\n`;
        delete file['localpath'];
      }
    }
  }
  return stringify(doc);
}

void describe('reference examples', () => {
  const files = exampleFiles();
  void test('the fixture directory holds every example', () =>
    assert.ok(files.length >= 28, `found ${files.length}`));
  for (const file of files) {
    const name = relative(EXAMPLES_DIR, file);
    void test(name, () => {
      const text = readFileSync(file, 'utf8');
      const expected = REJECTED[name];
      if (expected !== undefined) {
        assert.throws(
          () => renderWorkflowTemplate(text, VALUES),
          (e: unknown) => e instanceof OsmoError && e.code === 'USAGE' && expected.test(e.message),
        );
        return;
      }
      const submitted = isTemplated(text)
        ? inlineLocalFiles(renderWorkflowTemplate(text, VALUES))
        : inlineLocalFiles(text);
      const spec = parseWorkflowSpec(submitted, { ...VALUES, envVars: [] });
      assert.ok(spec.groups.length > 0);
      assert.deepEqual(JSON.parse(JSON.stringify(spec)), spec, 'spec is plain JSON data');
      for (const group of spec.groups)
        assert.equal(group.tasks.filter((t) => t.lead).length, 1, `${group.name} has one lead`);
    });
  }

  void test('jinja_workflow.yaml with its variables set still fails on the nested default-values key', () => {
    const text = readFileSync(join(EXAMPLES_DIR, 'skills/osmo-user/evals/files/jinja_workflow.yaml'), 'utf8');
    const vars = [
      'epochs=1',
      'batch_size=2',
      'learning_rate=0.1',
      'num_gpu=1',
      'model_name=m',
      'experiment_name=e',
    ];
    const rendered = (() => {
      try {
        return renderWorkflowTemplate(text, { set: vars, setString: [] });
      } catch (err) {
        return err instanceof OsmoError ? err.message : 'unexpected';
      }
    })();
    if (rendered.startsWith('workflow:')) {
      assert.throws(
        () => parseWorkflowSpec(rendered, { set: vars, setString: [], envVars: [] }),
        /workflow\.default-values\n {2}Extra inputs are not permitted/,
      );
    } else {
      assert.match(rendered, /is undefined/);
    }
  });

  void test('deepspeed: {{host:worker_N}} built through raw blocks survives the second render', () => {
    const text = readFileSync(
      join(EXAMPLES_DIR, 'cookbook/dnn_training/deepspeed_multinode/train.yaml'),
      'utf8',
    );
    const first = renderWorkflowTemplate(text, VALUES);
    assert.match(first, /\{\{host:worker_1\}\}/);
    const spec = parseWorkflowSpec(inlineLocalFiles(first), { ...VALUES, envVars: [] });
    assert.match(JSON.stringify(spec), /\{\{host:worker_1\}\}/);
  });
});
