// The task runtime: what runs around each attempt, independent of the backend that started it.
export {
  ATTEMPT_FILES,
  attemptFile,
  parseRecordLine,
  ReportRecordSchema,
  LogLineSchema,
  StopRequestSchema,
} from './attempt-files.js';
export type { LaunchFile, ReportRecord, LogLine, StopRequest } from './attempt-files.js';
export { AttemptProcess } from './attempt-process.js';
export { formatLogLine, formatLogTime, taskLogTag } from './log-format.js';
export type { FormattableLogRecord } from './log-format.js';
export { expandEnvReferences, expandEnvReferencesIn } from './env-expansion.js';
export { LineSplitter, MAX_LINE_BYTES, createSecretMasker } from './line-splitter.js';
export { hostProgram, probeSandbox, sandboxIdentity, SANDBOX_PROGRAM } from './sandbox.js';
export type { SandboxIdentity, SandboxSupport } from './sandbox.js';
export { taskPaths, hostTaskPaths, osmoHostDir } from './task-paths.js';
export { resolveTaskFilePath } from './task-files.js';
export { superviseAttempt, commandEnvironment } from './supervisor.js';
export type { AttemptSink, FinalStatus, SupervisorInput } from './supervisor.js';
export { TransferError } from './data-transfer.js';
export { downloadInputs, uploadOutputs } from './data-transfer.js';
export { placeTaskFiles, removeTaskFiles, taskFilesDir } from './task-files.js';
export { hostPathOf, startCheckpoints } from './checkpoints.js';
export { initExitCode } from './run-command.js';
export type { FileUrlAccess } from './file-urls.js';
export {
  taskCliEnvironment,
  taskCliLauncher,
  taskCliLoginFile,
  taskCliMounts,
  taskCliSecrets,
} from './task-cli.js';
export type { TaskCliMount } from './task-cli.js';
export { placeContainerTaskCli } from './task-cli-files.js';
export type { ContainerTaskCliFiles } from './task-cli-files.js';
