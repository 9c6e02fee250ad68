// The container backend: tasks as containers on a Docker-Engine-compatible API (Docker or Podman).
export { createDockerBackend } from './docker-backend.js';
export type { DockerBackend, DockerBackendOptions } from './docker-backend.js';
export { openEngine, pingEngine } from './engine-client.js';
export { looksLikeBase64UserPassword, pullAuthFor, registryOfImage } from './registry-auth.js';
export { LABELS, taskHostName } from './container-spec.js';
