#!/usr/bin/env bash
# Installs what the product and its tests need on a fresh Debian 12 machine, and nothing that is
# already there: npm packages from the committed lockfile, Debian's Chromium and Firefox ESR,
# and Kamailio (the real SIP server of the browser tests). Safe to run again; quick when
# everything is in place.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=()
command -v chromium >/dev/null 2>&1 || packages+=(chromium)
command -v firefox-esr >/dev/null 2>&1 || packages+=(firefox-esr)
if [ "${SECOND_RING_NO_SIP_SERVER:-}" != 1 ]; then
  dpkg -s kamailio >/dev/null 2>&1 || packages+=(kamailio)
  dpkg -s kamailio-websocket-modules >/dev/null 2>&1 || packages+=(kamailio-websocket-modules)
fi

if [ ${#packages[@]} -gt 0 ]; then
  echo "setup: installing ${packages[*]} with apt"
  if [ "$(id -u)" = 0 ]; then
    sudo=()
  elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    sudo=(sudo -n)
  else
    echo "setup: these Debian packages are missing: ${packages[*]}" >&2
    echo "setup: run this once, then try again:" >&2
    echo "  sudo apt-get update && sudo apt-get install -y ${packages[*]}" >&2
    exit 1
  fi
  "${sudo[@]}" apt-get update -q
  # Kamailio's packaged service must not start while it is installed (see kamailio-service.sh).
  bash scripts/kamailio-service.sh hold
  trap 'bash scripts/kamailio-service.sh release' EXIT
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -q --no-install-recommends "${packages[@]}"
  bash scripts/kamailio-service.sh release
  trap - EXIT
fi
# The tests run their own Kamailio: the packaged system SIP service stays disabled and stopped.
[ "${SECOND_RING_NO_SIP_SERVER:-}" = 1 ] || bash scripts/kamailio-service.sh off

# npm ci only when the lockfile changed since the last install (it wipes node_modules).
stamp=node_modules/.second-ring-lock
want=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  echo "setup: npm ci"
  npm ci --no-audit --no-fund
  echo "$want" > "$stamp"
fi
