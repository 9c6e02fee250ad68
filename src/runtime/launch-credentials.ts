// The DATA credentials the launch carries, as a resolver for `url:` and checkpoint URIs.
import type { AttemptLaunch } from '../core/index.js';
import type { CredentialResolver } from '../storage/index.js';

/** A profile the launch names gets its credential; others fall back to the runtime's ambient chain. */
export function launchCredentialResolver(launch: AttemptLaunch): CredentialResolver {
  const byProfile = new Map((launch.dataCredentials ?? []).map((c) => [c.profile, c]));
  return (profile) => {
    const c = byProfile.get(profile);
    if (c === undefined) return null;
    return {
      accessKeyId: c.accessKeyId,
      secretAccessKey: c.secretAccessKey,
      region: c.region,
      endpointUrl: c.endpointUrl,
      addressingStyle: c.addressingStyle,
    };
  };
}
