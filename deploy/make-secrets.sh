#!/bin/sh
# Writes the compose deployment's secrets into DIR (default: secrets/ beside this script). The folder
# is its owner's only (0700); the files in it are 0644 because compose bind-mounts each file as it is
# and the service reads them as its own unprivileged uid. An existing file is kept: re-running never
# replaces the master key, which would make every stored credential unreadable.
set -eu
dir=${1:-$(dirname "$0")/secrets}
mkdir -p "$dir"
chmod 700 "$dir"

random() { head -c "$1" /dev/urandom | base64 | tr -d '\n/+='; }

write() {
  if [ -e "$dir/$1" ]; then
    echo "kept    $dir/$1"
  else
    printf '%s\n' "$2" >"$dir/$1"
    chmod 644 "$dir/$1"
    echo "created $dir/$1"
  fi
}

# The master key is base64 of exactly 32 bytes, as the service wants it.
write master-key "$(head -c 32 /dev/urandom | base64 | tr -d '\n')"
write postgres-password "$(random 24)"
write admin-password "$(random 24)"
write s3-access-key "osmo$(random 9)"
write s3-secret-key "$(random 30)"
