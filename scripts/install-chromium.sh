#!/usr/bin/env bash
# Install Debian's Chromium for the browser tests and the Lighthouse audit.
# Playwright and Lighthouse drive this browser; neither downloads its own.
set -euo pipefail
chromium=${CHROMIUM:-/usr/bin/chromium}
[ -x "$chromium" ] && exit 0

if [ "$(id -u)" = 0 ]; then
  sudo=""
elif command -v sudo >/dev/null 2>&1; then
  sudo="sudo"
else
  echo "install-chromium: $chromium is missing; install Debian's 'chromium' package" \
    "(apt-get install chromium) or set CHROMIUM=/path/to/chromium" >&2
  exit 1
fi
echo "install-chromium: installing Debian's chromium package (about a minute)" >&2
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium >/dev/null
