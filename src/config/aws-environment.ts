// The AWS environment variables of the ambient credential chain, apart from config.yaml so that reading them
// (every CLI start does) loads no YAML or schema library.

/** The provider's ambient credential chain as far as this build follows it: the AWS environment variables. */
export interface AwsEnvironment {
  readonly accessKeyId: string | null;
  readonly secretAccessKey: string | null;
  readonly region: string | null;
  /** `AWS_ENDPOINT_URL_S3`, else `AWS_ENDPOINT_URL` (S3-compatible stores). */
  readonly endpointUrl: string | null;
}

export function readAwsEnvironment(env: Readonly<Record<string, string | undefined>>): AwsEnvironment {
  const value = (name: string): string | null => {
    const v = env[name];
    return v === undefined || v === '' ? null : v;
  };
  return {
    accessKeyId: value('AWS_ACCESS_KEY_ID'),
    secretAccessKey: value('AWS_SECRET_ACCESS_KEY'),
    region: value('AWS_REGION') ?? value('AWS_DEFAULT_REGION'),
    endpointUrl: value('AWS_ENDPOINT_URL_S3') ?? value('AWS_ENDPOINT_URL'),
  };
}

/** The AWS SDK's documented switch for its Node-version notice. */
export const SDK_NODE_WARNING_SWITCH = 'AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED';

/**
 * Turns off the AWS SDK's nine-line notice, printed on Node 20, that SDK versions published after
 * January 2027 will need Node 22: osmo pins its SDK and supports Node 20 (package.json `engines`),
 * so the notice tells a user of `osmo data` nothing to act on. A value the user set is kept; child
 * processes (task runtimes) inherit the setting.
 */
export function quietSdkNodeVersionWarning(env: Record<string, string | undefined>): void {
  env[SDK_NODE_WARNING_SWITCH] ??= 'true';
}
