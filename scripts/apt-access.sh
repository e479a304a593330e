# Sourced by scripts/ensure-redis.sh and ensure-slurm.sh (bash): apt_access NAME MISSING PKGS checks that apt-get
# can install PKGS here, sets SUDO to "" (root) or "sudo -n" (sudo without a password) and exports
# DEBIAN_FRONTEND=noninteractive; otherwise it exits 1 with "NAME: no MISSING, ..." on stderr.
apt_access() {
  if ! command -v apt-get >/dev/null 2>&1; then echo "$1: no $2 and no apt-get" >&2; exit 1; fi
  SUDO=""
  if [ "$(id -u)" != "0" ]; then
    if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then SUDO="sudo -n"; else
      echo "$1: no $2, and not root (cannot apt-get install $3)" >&2; exit 1
    fi
  fi
  export DEBIAN_FRONTEND=noninteractive
}
