#!/usr/bin/env bash
# Installs the Debian packages that tests need (docker-registry, ...) when they are missing.
# Idempotent and quiet when everything is present; tests call it before they start a service.
# Usage: scripts/ensure-packages.sh PACKAGE...
set -euo pipefail
missing=()
for pkg in "$@"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
  echo "ensure-packages: missing ${missing[*]} and not root: install them with apt-get install ${missing[*]}" >&2
  exit 1
fi
echo "ensure-packages: installing ${missing[*]}" >&2
# One lock-holder at a time: test JVMs of several modules may ask together.
exec 9>/tmp/peregrine-ensure-packages.lock
flock 9
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
