// Composition root of the osmo CLI: builds the command tree, runs it, turns the outcome into an exit code.
import { runCli } from '../cli/index.js';
import { quietSdkNodeVersionWarning } from '../config/aws-environment.js';
import { serviceCommand } from './service-command.js';

quietSdkNodeVersionWarning(process.env);
process.exitCode = await runCli(process.argv.slice(2), { extraCommands: [serviceCommand()] });
