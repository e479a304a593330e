#!/usr/bin/env bash
# Makes sure a single-node Slurm can be started here (used by test/slurm.test.ts): slurmctld, slurmd, sbatch and munged
# on PATH (or in /usr/sbin). Installs the Debian/Ubuntu packages when they are missing and apt-get is usable (root, or
# sudo without a password); exits non-zero when it cannot.
# Installs nothing unless JETLENS_INSTALL_TEST_DEPS=1 (which .ci/run sets); without it a missing program exits 10 with
# the command that installs it.
set -u
PKGS="slurmctld slurmd slurm-client munge"
have() { command -v "$1" >/dev/null 2>&1 || [ -x "/usr/sbin/$1" ]; }
missing() { for p in slurmctld slurmd sbatch munged; do have "$p" || { echo "$p"; return 0; }; done; return 1; }
m="$(missing)" || exit 0
if [ "${JETLENS_INSTALL_TEST_DEPS:-}" != "1" ]; then
  echo "$m is missing; install Slurm with 'sudo apt-get install -y --no-install-recommends $PKGS', or run the tests with JETLENS_INSTALL_TEST_DEPS=1 to let them install it" >&2
  exit 10
fi
. "$(dirname "$0")/apt-access.sh"
apt_access ensure-slurm "$m" "$PKGS"
# policy-rc.d 101: the packages' postinst must not start the system daemons (the test starts its own, in a temp dir).
POLICY=/usr/sbin/policy-rc.d
ADDED_POLICY=""
if [ ! -e "$POLICY" ]; then
  printf '#!/bin/sh\nexit 101\n' | $SUDO tee "$POLICY" >/dev/null && $SUDO chmod +x "$POLICY" && ADDED_POLICY=1
fi
ok=0
$SUDO apt-get update -qq >&2 && $SUDO apt-get install -y -qq --no-install-recommends $PKGS >&2 || ok=1
[ -n "$ADDED_POLICY" ] && $SUDO rm -f "$POLICY"
[ "$ok" = 0 ] || { echo "ensure-slurm: apt-get install $PKGS failed" >&2; exit 1; }
m="$(missing)" && { echo "ensure-slurm: $m still missing after installing $PKGS" >&2; exit 1; }
exit 0
