// SQLite answers synchronously: a chain of queries would hold the event loop for as long as it runs.
// This plugin gives the loop back (setImmediate) once a chain has run for a slice, so requests and
// timers run in between; on a connection shared through Kysely's mutex, nothing interleaves inside a query.
import type {
  KyselyPlugin,
  PluginTransformQueryArgs,
  PluginTransformResultArgs,
  QueryResult,
  RootOperationNode,
  UnknownRow,
} from 'kysely';

/** Long enough that a quick request's few queries never pause, short enough for a p99 of a few slices. */
export const SLICE_MS = 8;

export class EventLoopSharePlugin implements KyselyPlugin {
  /** When the current run of queries began, or null when none ran since the loop last turned. */
  private sliceStartMs: number | null = null;

  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    return args.node;
  }

  async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    const now = performance.now();
    if (this.sliceStartMs === null) {
      this.sliceStartMs = now;
      // Runs when the loop next reaches its check phase, i.e. once anything else had its turn.
      setImmediate(() => (this.sliceStartMs = null));
    } else if (now - this.sliceStartMs >= SLICE_MS) {
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    return args.result;
  }
}
