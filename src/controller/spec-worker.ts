// Entry of one spec worker thread: runs each job it is sent and posts back the value or the error.
import { parentPort } from 'node:worker_threads';
import type { JobReply, JobRequest } from './spec-jobs.js';
import { encodeError, runSpecJob } from './spec-jobs.js';

const port = parentPort;
if (port === null) throw new Error('spec-worker.js runs only as a worker thread');

port.on('message', ({ id, job }: JobRequest) => {
  let reply: JobReply;
  try {
    reply = { id, ok: true, value: runSpecJob(job) };
  } catch (err) {
    reply = { id, ok: false, error: encodeError(err) };
  }
  port.postMessage(reply);
});
