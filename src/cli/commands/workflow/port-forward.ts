// `osmo workflow port-forward`: local ports that reach ports of a running task through the service,
// TCP (many connections per port) or UDP, reconnecting with upstream's back-off until Ctrl-C.
import { Command, InvalidArgumentError, Option } from 'commander';
import type { CliDeps } from '../../cli-deps.js';
import { intOption } from '../../parse/options.js';
import { parsePortSpec, PortSpecError, type PortPair } from '../../parse/port-spec.js';

export function workflowPortForwardCommand(deps: CliDeps): Command {
  return new Command('port-forward')
    .description('Forward local ports to ports of a running task.')
    .argument('<workflow_id>', 'The workflow ID or UUID.')
    .argument('<task>', 'The task whose ports to forward.')
    .addOption(
      new Option(
        '--port <spec>',
        'Ports to forward: comma-separated L, L:R, A-B or A-B:C-D (local:remote, ranges inclusive).',
      )
        .makeOptionMandatory()
        .argParser((raw: string) => {
          try {
            return parsePortSpec(raw);
          } catch (err) {
            if (err instanceof PortSpecError) throw new InvalidArgumentError(err.message);
            throw err;
          }
        }),
    )
    .option('--host <host>', 'The local address to listen on.', 'localhost')
    .option('--udp', 'Forward UDP instead of TCP.')
    .addOption(intOption('--connect-timeout <seconds>', 'WebSocket open timeout in seconds.', 1).default(60))
    .action(
      (
        workflowId: string,
        task: string,
        flags: { port: PortPair[]; host: string; udp?: boolean; connectTimeout: number },
      ) =>
        // The forwarding itself (sockets, frames) loads only when the command runs.
        import('./port-forward-session.js').then(({ runPortForward }) =>
          runPortForward(
            {
              workflowId,
              task,
              ports: flags.port,
              host: flags.host,
              udp: flags.udp === true,
              connectTimeoutS: flags.connectTimeout,
            },
            deps,
          ),
        ),
    );
}
