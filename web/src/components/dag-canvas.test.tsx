import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, test } from 'vitest';
import type { GroupEntry, TaskEntry } from '../api/types.js';
import { groupHint } from '../dag-hints.js';
import DagCanvas, { GroupNodeBody } from './dag-canvas.js';

const task = (name: string, status: TaskEntry['status'], retry = 0, lead = false): TaskEntry => ({
  name,
  retry_id: retry,
  status,
  failure_message: null,
  exit_code: null,
  logs: '',
  error_logs: null,
  events: '',
  start_time: null,
  end_time: null,
  processing_start_time: null,
  scheduling_start_time: null,
  initializing_start_time: null,
  input_download_start_time: null,
  input_download_end_time: null,
  output_upload_start_time: null,
  dashboard_url: null,
  pod_name: `${name}-pod`,
  pod_ip: null,
  task_uuid: `${name}-${retry}`,
  node_name: null,
  lead,
});

const group = (
  name: string,
  status: GroupEntry['status'],
  tasks: TaskEntry[],
  downstream: string[] = [],
  waitingFor: string[] = [],
): GroupEntry => ({
  name,
  status,
  start_time: null,
  end_time: null,
  processing_start_time: null,
  scheduling_start_time: null,
  initializing_start_time: null,
  remaining_upstream_groups: waitingFor,
  downstream_groups: downstream,
  failure_message: null,
  tasks,
});

describe('the graph canvas', () => {
  const groups = [
    group('prep', 'RUNNING', [task('prep', 'RUNNING')], ['train']),
    group('train', 'WAITING', [task('worker', 'WAITING'), task('lead', 'WAITING', 0, true)], [], ['prep']),
  ];

  test('a one-task group is drawn as its task, coloured by its status', () => {
    const html = renderToStaticMarkup(
      <GroupNodeBody group={groups[0] as GroupEntry} selected={false} onSelect={() => {}} />,
    );
    expect(html).toMatch(
      /^<div role="treeitem" aria-selected="false" tabindex="0" class="dag-node status-running"/,
    );
    expect(html).toContain('data-group="prep"');
    expect(html).toContain('data-status="RUNNING"');
    expect(html).toContain('<strong>prep</strong>');
    expect(html).not.toContain('class="count"');
  });

  test('a group of many keeps its name, counts its tasks and says what it waits for', () => {
    const html = renderToStaticMarkup(
      <GroupNodeBody group={groups[1] as GroupEntry} selected onSelect={() => {}} />,
    );
    expect(html).toContain('class="dag-node status-waiting selected"');
    expect(html).toContain('<strong>train</strong><span class="count">2</span>');
    expect(html).toContain('<small>Waiting for: prep</small>');
  });

  test('the canvas is a labelled tree with zoom controls and the layout switch', () => {
    const html = renderToStaticMarkup(<DagCanvas groups={groups} selected={null} onSelect={() => {}} />);
    expect(html).toMatch(/^<div class="dag" role="tree" aria-label="Workflow graph"/);
    expect(html).toContain('aria-label="Zoom In"');
    expect(html).toContain('aria-label="Lay out left to right"');
  });

  test('hints: failures of many, retries, plain status', () => {
    expect(
      groupHint(group('g', 'FAILED', [task('a', 'FAILED'), task('b', 'COMPLETED'), task('c', 'FAILED')])),
    ).toBe('2 of 3 failed');
    expect(groupHint(group('g', 'RUNNING', [task('a', 'FAILED'), task('a', 'RUNNING', 1)]))).toBe('Retry #1');
    expect(groupHint(group('g', 'COMPLETED', [task('a', 'COMPLETED')]))).toBe('Completed');
  });
});
