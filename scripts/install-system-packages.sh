#!/usr/bin/env bash
# Install the Debian packages the checks need, those that are missing:
#   chromium       the browser tests and the Lighthouse audit (Playwright and
#                  Lighthouse drive it; neither downloads a browser of its own)
#   postgresql     the snippet suite's second database (scripts/services.py),
#                  unless DATABASE_URL names a server already
#   redis-server   the broker of the Celery worker test (scripts/services.py),
#                  unless REDIS_URL names one
#   nodejs, npm    Pyodide for the Run buttons, Lighthouse and axe-core (npm),
#                  and the Node check of the Run buttons' Python
# With arguments, only those: `install-system-packages.sh node` for `make serve`.
set -euo pipefail
installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "ok installed"; }
[ $# -gt 0 ] || set -- chromium postgresql redis node
missing=()
for what in "$@"; do
  case "$what" in
    # CHROMIUM names another browser to use instead (CI's runners ship Chrome).
    chromium) [ -x "${CHROMIUM:-/usr/bin/chromium}" ] || missing+=(chromium) ;;
    postgresql) [ -n "${DATABASE_URL:-}" ] || installed postgresql || missing+=(postgresql) ;;
    redis) [ -n "${REDIS_URL:-}" ] || installed redis-server || missing+=(redis-server) ;;
    node) command -v npm >/dev/null 2>&1 || missing+=(nodejs npm) ;;
    *) echo "install-system-packages: unknown $what" >&2; exit 2 ;;
  esac
done
[ ${#missing[@]} = 0 ] && exit 0

if [ "$(id -u)" = 0 ]; then
  sudo=""
elif command -v sudo >/dev/null 2>&1; then
  sudo="sudo"
else
  echo "install-system-packages: missing ${missing[*]}; install them with" \
    "apt-get install ${missing[*]}" >&2
  exit 1
fi
echo "install-system-packages: installing ${missing[*]} from Debian (a minute or two)" >&2
$sudo apt-get update -qq
# No service starts by itself: the tests start their own servers.
printf '#!/bin/sh\nexit 101\n' | $sudo tee /usr/sbin/policy-rc.d >/dev/null
$sudo chmod +x /usr/sbin/policy-rc.d
trap '$sudo rm -f /usr/sbin/policy-rc.d' EXIT
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
