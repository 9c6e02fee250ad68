// The top-level commands in upstream's order, each loaded only when the command line needs it:
// a short command then starts without the modules, and their libraries, of every other command.
import type { Command } from 'commander';
import type { CliDeps } from './cli-deps.js';

export type CommandFactory = (deps: CliDeps) => Command;

export interface CommandEntry {
  readonly name: string;
  load(): Promise<CommandFactory>;
}

export const COMMAND_TABLE: readonly CommandEntry[] = [
  { name: 'login', load: async () => (await import('./commands/login.js')).loginCommand },
  { name: 'logout', load: async () => (await import('./commands/logout.js')).logoutCommand },
  { name: 'version', load: async () => (await import('./commands/version.js')).versionCommand },
  { name: 'workflow', load: async () => (await import('./commands/workflow/index.js')).workflowCommand },
  { name: 'task', load: async () => (await import('./commands/task/index.js')).taskCommand },
  { name: 'app', load: async () => (await import('./commands/app/index.js')).appCommand },
  { name: 'data', load: async () => (await import('./commands/data/index.js')).dataCommand },
  { name: 'dataset', load: async () => (await import('./commands/dataset/index.js')).datasetCommand },
  { name: 'bucket', load: async () => (await import('./commands/dataset/index.js')).bucketCommand },
  { name: 'standalone', load: async () => (await import('./commands/local/index.js')).standaloneCommand },
  {
    name: 'docker-compose',
    load: async () => (await import('./commands/local/index.js')).dockerComposeCommand,
  },
  {
    name: 'credential',
    load: async () => (await import('./commands/credential/index.js')).credentialCommand,
  },
  { name: 'token', load: async () => (await import('./commands/token/index.js')).tokenCommand },
  { name: 'resource', load: async () => (await import('./commands/resource/index.js')).resourceCommand },
  { name: 'user', load: async () => (await import('./commands/user/index.js')).userCommand },
  { name: 'pool', load: async () => (await import('./commands/pool/index.js')).poolCommand },
  { name: 'profile', load: async () => (await import('./commands/profile/index.js')).profileCommand },
  { name: 'config', load: async () => (await import('./commands/config/index.js')).configCommand },
  { name: 'backend', load: async () => (await import('./commands/backend/index.js')).backendCommand },
  { name: 'usage', load: async () => (await import('./commands/usage/index.js')).usageCommand },
  { name: 'mcp', load: async () => (await import('./commands/mcp/index.js')).mcpCommand },
  {
    name: 'completion',
    load: async () => (await import('./commands/completion/index.js')).completionCommand,
  },
];
