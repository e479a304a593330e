#!/bin/sh
# Makes sure Debian's headless-capable Chromium is at /usr/bin/chromium (used by test/report-browser.test.ts).
# Installs it with apt-get only when it is absent; exits non-zero when it is absent and cannot be installed
# (no root, no apt-get, no network), so the caller can skip with a clear message.
set -u
CHROMIUM=/usr/bin/chromium
if [ -x "$CHROMIUM" ]; then
  exit 0
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
