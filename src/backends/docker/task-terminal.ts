// `osmo workflow exec` on the container backend: the engine's exec API with a TTY, inside the
// attempt's own container (its image, files, environment and processes).
import type { Duplex } from 'node:stream';
import type Docker from 'dockerode';
import type { TerminalRequest, TerminalSession } from '../backend.js';
import { type AttemptRef, userError } from '../../core/index.js';
import { containerName } from './container-spec.js';
import { errorText, statusOf } from './engine-client.js';

export async function openContainerTerminal(
  engine: Docker,
  ref: AttemptRef,
  request: TerminalRequest,
): Promise<TerminalSession> {
  const container = engine.getContainer(containerName(ref));
  const info = await container.inspect().catch((err: unknown) => {
    // A running task's container is made after its inputs are in: until then it has none to enter.
    if (statusOf(err) === 404)
      throw userError(`Task ${ref.taskName} has no container yet; try again shortly.`, 425);
    throw err;
  });
  if (info.State.Running !== true)
    throw userError(`The container of task ${ref.taskName} is not running.`, 425);
  const exec = await container
    .exec({
      Cmd: [...request.command],
      AttachStdin: true,
      AttachStdout: true,
      AttachStderr: true,
      Tty: true,
      // The engine puts these over the container's own environment, as `docker exec -e` does.
      Env: Object.entries(request.environment).map(([k, v]) => `${k}=${v}`),
    })
    .catch((err: unknown) => {
      throw terminalError(err);
    });
  const stream = (await exec.start({ hijack: true, stdin: true, Tty: true }).catch((err: unknown) => {
    throw terminalError(err);
  })) as Duplex;
  const resize = (rows: number, cols: number): Promise<void> =>
    // A resize that races the command's end has nothing left to resize.
    exec.resize({ h: rows, w: cols }).then(
      () => undefined,
      () => undefined,
    );
  await resize(request.rows, request.cols);
  const exit = new Promise<number | null>((resolve) => {
    let done = false;
    const settle = (): void => {
      if (done) return;
      done = true;
      exec.inspect().then(
        (state) => resolve(typeof state.ExitCode === 'number' ? state.ExitCode : null),
        () => resolve(null),
      );
    };
    stream.once('end', settle);
    stream.once('close', settle);
    stream.once('error', settle);
  });
  return {
    stream,
    exit,
    resize,
    close: () => stream.destroy(),
  };
}

/** An engine failure of exec told as the user's problem where it is one (a stopped container). */
export const terminalError = (err: unknown): Error =>
  statusOf(err) === 409
    ? userError(`The task's container is not running: ${errorText(err)}`, 425)
    : (err as Error);
