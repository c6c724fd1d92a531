#!/usr/bin/env bash
# Installs what the capture benchmark needs besides Java and Maven (Debian 12):
# mariadb-server/-client (the private sandboxes of ../shared/bench), mydumper (the snapshot
# anchor) and sysbench (the write load). Run as root; idempotent.
#
#   bench/setup.sh          install whatever is missing
#   bench/setup.sh --check  only report what is missing (exit 1 if anything is)
set -euo pipefail

PACKAGES=(mariadb-server mariadb-client mydumper sysbench)
COMMANDS=(mariadbd mariadb mariadb-install-db mariadb-admin mydumper sysbench python3)

missing_commands() {
  local c
  for c in "${COMMANDS[@]}"; do command -v "$c" >/dev/null 2>&1 || echo "$c"; done
}

if [[ ${1:-} == --check ]]; then
  m=$(missing_commands)
  [[ -z $m ]] || { echo "missing: $(echo $m)  (run bench/setup.sh as root)" >&2; exit 1; }
  exit 0
fi

if [[ -z $(missing_commands) ]]; then
  echo "bench setup: everything is installed"
  exit 0
fi
[[ $(id -u) == 0 ]] || { echo "bench/setup.sh installs Debian packages: run it as root" >&2; exit 1; }
# The sandboxes never use the system service; keep apt from starting it (exit 101 = "do not").
if [[ ! -e /usr/sbin/policy-rc.d ]]; then
  printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
  chmod +x /usr/sbin/policy-rc.d
  trap 'rm -f /usr/sbin/policy-rc.d' EXIT
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update
apt-get install -y --no-install-recommends "${PACKAGES[@]}" python3
m=$(missing_commands)
[[ -z $m ]] || { echo "still missing after install: $(echo $m)" >&2; exit 1; }
echo "bench setup: installed ${PACKAGES[*]}"
