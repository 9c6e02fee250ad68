// The parts of a ResourcesEntry (service-api.md §3.6) the `osmo resource` commands read.

export type Fields = Readonly<Record<string, unknown>>;

export interface ResourceEntry {
  readonly hostname: string;
  readonly exposed_fields: Fields & { readonly 'pool/platform'?: readonly string[] };
  readonly usage_fields?: Fields | null;
  readonly allocatable_fields?: Fields | null;
  readonly platform_allocatable_fields?: Readonly<Record<string, Readonly<Record<string, Fields>>>> | null;
  readonly config_fields?: Readonly<
    Record<
      string,
      Readonly<
        Record<
          string,
          {
            readonly host_network?: boolean;
            readonly privileged?: boolean;
            readonly default_mounts?: readonly string[];
            readonly allowed_mounts?: readonly string[];
          }
        >
      >
    >
  > | null;
  readonly pool_platform_labels?: Readonly<Record<string, readonly string[]>> | null;
  readonly resource_type?: string;
}

export interface ResourcesResponse {
  readonly resources: readonly ResourceEntry[];
}

/** `pool/platform` split at the first slash (pool names cannot hold one). */
export function splitPair(pair: string): [string, string] {
  const at = pair.indexOf('/');
  return at === -1 ? [pair, ''] : [pair.slice(0, at), pair.slice(at + 1)];
}
