#!/usr/bin/env bash
# Makes sure `redis-server` is on PATH (used by test/queue.test.ts). Installs the Debian/Ubuntu package when it is
# missing and apt-get is usable (root, or sudo without a password); exits non-zero when it cannot.
# Installs nothing unless JETLENS_INSTALL_TEST_DEPS=1 (which .ci/run sets); without it a missing redis-server exits
# 10 with the command that installs it.
set -u
if command -v redis-server >/dev/null 2>&1; then exit 0; fi
if [ "${JETLENS_INSTALL_TEST_DEPS:-}" != "1" ]; then
  echo "redis-server is missing; install it with 'sudo apt-get install -y redis-server', or run the tests with JETLENS_INSTALL_TEST_DEPS=1 to let them install it" >&2
  exit 10
fi
. "$(dirname "$0")/apt-access.sh"
apt_access ensure-redis redis-server redis-server
$SUDO apt-get update -qq >&2 && $SUDO apt-get install -y -qq redis-server >&2 || { echo "ensure-redis: apt-get install redis-server failed" >&2; exit 1; }
command -v redis-server >/dev/null 2>&1 || { echo "ensure-redis: redis-server still not on PATH after install" >&2; exit 1; }
