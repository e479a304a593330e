#!/bin/sh
# Makes sure Debian's headless-capable Chromium is at /usr/bin/chromium (used by test/report-browser.test.ts).
# Installs it with apt-get only when it is absent; exits non-zero when it is absent and cannot be installed
# (no root, no apt-get, no network), so the caller can skip with a clear message.
# Installs nothing unless JETLENS_INSTALL_TEST_DEPS=1 (which .ci/run sets): `npm test` never changes the system
# unasked; without it a missing Chromium exits 10 with the command that installs it.
set -u
CHROMIUM=/usr/bin/chromium
if [ -x "$CHROMIUM" ]; then
  exit 0
fi
if [ "${JETLENS_INSTALL_TEST_DEPS:-}" != "1" ]; then
  echo "$CHROMIUM is missing; install it with 'sudo apt-get install -y chromium', or run the tests with JETLENS_INSTALL_TEST_DEPS=1 to let them install it" >&2
  exit 10
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "ensure-chromium: $CHROMIUM is missing and apt-get is not available" >&2
  exit 2
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "ensure-chromium: $CHROMIUM is missing and installing it needs root (apt-get install -y chromium)" >&2
  exit 3
fi
echo "ensure-chromium: installing chromium with apt-get (a minute or two)..." >&2
export DEBIAN_FRONTEND=noninteractive
if ! apt-get update >&2; then
  echo "ensure-chromium: apt-get update failed" >&2
  exit 4
fi
if ! apt-get install -y chromium >&2; then
  echo "ensure-chromium: apt-get install chromium failed" >&2
  exit 5
fi
if [ ! -x "$CHROMIUM" ]; then
  echo "ensure-chromium: chromium installed but $CHROMIUM is missing" >&2
  exit 6
fi
exit 0
