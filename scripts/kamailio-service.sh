#!/usr/bin/env bash
# Debian's kamailio package installs a system SIP service, enabled at boot and started at once.
# The browser tests never use it: they start their own Kamailio on loopback with a private
# configuration (test/e2e/sip-lab/sip-server.ts). So the packaged service is kept off:
#   scripts/kamailio-service.sh hold    before apt installs kamailio: a policy-rc.d that lets no
#                                       service start during the install (only if none exists)
#   scripts/kamailio-service.sh release after the install: takes that policy-rc.d away again
#   scripts/kamailio-service.sh off     disables and stops the packaged service: with systemd
#                                       running `systemctl disable --now`; without it (containers,
#                                       chroots) the unit's and the SysV init links are disabled
#                                       offline (systemctl disable, update-rc.d disable) and a
#                                       running daemon stopped by its init script
# Needs root (directly or through `sudo -n`); without it, prints the commands to run.
set -euo pipefail

POLICY=/usr/sbin/policy-rc.d
MARK='# second-ring: no service starts while setup.sh installs packages'

if [ "$(id -u)" = 0 ]; then
  sudo=()
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  sudo=(sudo -n)
else
  sudo=(none)
fi

as_root() {
  if [ "${sudo[0]:-}" = none ]; then
    echo "setup: cannot run as root: $*" >&2
    return 1
  fi
  "${sudo[@]}" "$@"
}

systemd_running() { [ -d /run/systemd/system ]; }

case "${1:-}" in
  hold)
    if [ ! -e "$POLICY" ]; then
      printf '#!/bin/sh\n%s\nexit 101\n' "$MARK" | as_root tee "$POLICY" >/dev/null
      as_root chmod 755 "$POLICY"
    fi
    ;;
  release)
    if [ -f "$POLICY" ] && grep -qF "$MARK" "$POLICY"; then as_root rm -f "$POLICY"; fi
    ;;
  off)
    dpkg -s kamailio >/dev/null 2>&1 || exit 0
    todo=()
    if command -v systemctl >/dev/null 2>&1 && [ "$(systemctl is-enabled kamailio 2>/dev/null || true)" = enabled ]; then
      todo+=(systemd-disable)
    fi
    if systemd_running && systemctl is-active --quiet kamailio 2>/dev/null; then todo+=(systemd-stop); fi
    if compgen -G '/etc/rc[2-5].d/S*kamailio' >/dev/null; then todo+=(sysv-disable); fi
    pidfile=/run/kamailio/kamailio.pid
    if ! systemd_running && [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null; then todo+=(sysv-stop); fi
    [ ${#todo[@]} -eq 0 ] && exit 0
    if [ "${sudo[0]:-}" = none ]; then
      echo "setup: the packaged kamailio service is enabled or running; the tests do not need it. As root, run:" >&2
      echo "  systemctl disable --now kamailio   # or, without systemd: update-rc.d kamailio disable; /etc/init.d/kamailio stop" >&2
      exit 0
    fi
    echo "setup: keeping the packaged kamailio service off (${todo[*]}); the tests run their own"
    # A step that fails is reported, not fatal: the tests do not depend on it.
    for step in "${todo[@]}"; do
      case "$step" in
        systemd-disable) as_root systemctl disable --quiet kamailio ;;
        systemd-stop) as_root systemctl stop kamailio ;;
        sysv-disable) as_root update-rc.d kamailio disable >/dev/null ;;
        sysv-stop) as_root /etc/init.d/kamailio stop >/dev/null || as_root start-stop-daemon --stop --quiet --pidfile "$pidfile" --exec /usr/sbin/kamailio ;;
      esac || echo "setup: could not keep the kamailio service off ($step); disable it by hand: systemctl disable --now kamailio" >&2
    done
    ;;
  *)
    echo "usage: scripts/kamailio-service.sh hold|release|off" >&2
    exit 2
    ;;
esac
