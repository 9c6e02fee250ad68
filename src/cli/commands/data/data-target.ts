// Opens the storage a `osmo data` URI names, with the profile's DATA credential.
import { credentialError, usageError } from '../../../core/index.js';
import type { AwsEnvironment } from '../../../config/data-config-file.js';
import { dataConfigFilePath, readDataConfigFile } from '../../../config/data-config-file.js';
import type { CliEnvironment } from '../../../config/cli-paths.js';
import {
  openStorageUrl,
  parseStorageProfile,
  type CredentialResolver,
  type DataCredential,
  type StorageTarget,
} from '../../../storage/index.js';

const DEFAULT_REGION = 'us-east-1';

/** config.yaml first (keyed by endpoint), then the AWS environment variables; null when neither applies. */
export async function dataCredentialResolver(
  env: CliEnvironment,
  configFile: string = dataConfigFilePath(env.configDir),
): Promise<CredentialResolver> {
  const entries = await readDataConfigFile(configFile);
  const byProfile = new Map<string, DataCredential>();
  for (const [endpoint, entry] of Object.entries(entries)) {
    const profile = profileOf(endpoint);
    if (profile === null) continue;
    byProfile.set(profile, {
      accessKeyId: entry.access_key_id,
      secretAccessKey: entry.access_key,
      region: entry.region ?? DEFAULT_REGION,
      endpointUrl: entry.override_url ?? null,
      addressingStyle: entry.addressing_style ?? 'auto',
    });
  }
  return (profile) => byProfile.get(profile) ?? ambient(env.awsEnvironment);
}

function ambient(aws: AwsEnvironment | undefined): DataCredential | null {
  if (aws?.accessKeyId == null || aws.secretAccessKey == null) return null;
  return {
    accessKeyId: aws.accessKeyId,
    secretAccessKey: aws.secretAccessKey,
    region: aws.region ?? DEFAULT_REGION,
    endpointUrl: aws.endpointUrl,
    addressingStyle: 'auto',
  };
}

const profileOf = (endpoint: string): string | null => {
  try {
    return parseStorageProfile(endpoint.replace(/\/+$/, '')).profile;
  } catch {
    // Entries this build cannot parse belong to other tools; they simply match no profile.
    return null;
  }
};

export const credentialNotFound = (profile: string): Error =>
  credentialError(
    `Data credential not found for ${profile}. Check if the credential is set locally with \`osmo credential list\`. ` +
      'If you are on a new machine, you will need to re-run `osmo credential set` to store the credential locally: ' +
      `osmo credential set NAME --type DATA --payload endpoint=${profile} access_key_id=<key id> access_key=<secret key> ` +
      '(or export AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY).',
  );

/** Opens a data URI; a cloud profile without any credential is the reference's credential error. */
export function openDataTarget(uri: string, resolve: CredentialResolver): StorageTarget {
  return openStorageUrl(uri, (profile) => {
    const credential = resolve(profile);
    if (credential === null) throw credentialNotFound(profile);
    return credential;
  });
}

/** `--regex/-x` must compile. */
export function compileRegex(regex: string | undefined): RegExp | null {
  if (regex === undefined) return null;
  try {
    return new RegExp(regex);
  } catch {
    throw usageError(`Invalid regex: ${regex}`);
  }
}
