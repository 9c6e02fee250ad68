#!/bin/sh
# The image's entrypoint. Secrets mounted as files (compose secrets, Kubernetes secret volumes) are
# named by NAME_FILE; each becomes the variable NAME the service reads, so no secret has to be written
# into a compose file or a pod spec. Then the service replaces this shell (PID 1 stays tini).
set -eu

for name in OSMO_MASTER_KEY OSMO_POSTGRES_URL PGPASSWORD OSMO_DEFAULT_ADMIN_PASSWORD OSMO_METRICS_TOKEN \
  AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY OSMO_SMTP_PASSWORD OSMO_WEBHOOK_SECRET OSMO_SLACK_WEBHOOK_URL; do
  eval "file=\${${name}_FILE:-}"
  [ -n "$file" ] || continue
  eval "direct=\${${name}:-}"
  if [ -n "$direct" ]; then
    echo "osmo-entrypoint: both $name and ${name}_FILE are set; set one of them" >&2
    exit 64
  fi
  if [ ! -r "$file" ]; then
    echo "osmo-entrypoint: ${name}_FILE names $file, which cannot be read" >&2
    exit 66
  fi
  # $(cat) drops the trailing newline secret files usually end with.
  value=$(cat "$file")
  export "$name=$value"
  unset "${name}_FILE"
done

exec osmo service start "$@"
