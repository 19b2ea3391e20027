#!/usr/bin/env bash
# Create (or refresh) the virtual environment for one Django series:
# .venv for 6.1, .venv-django-5.2 for 5.2. Usage: scripts/bootstrap.sh [6.1|5.2]
#
# It finds a suitable Python by itself: $PYTHON if set, else python3.X on the
# PATH, else pyenv's interpreters, oldest suitable first. The environment is rebuilt
# only when its lock file or this script changes.
set -euo pipefail

series=${1:-6.1}
root=$(cd "$(dirname "$0")/.." && pwd)
lock="$root/requirements/django-$series.txt"
venv="$root/.venv"
[ "$series" = 6.1 ] || venv="$root/.venv-django-$series"
uv_version=0.13.9

case "$series" in
  6.1) min_minor=12 ;;  # Django 6.x needs Python 3.12 or newer
  5.2) min_minor=11 ;;  # 5.2 runs on 3.10+; this project needs tomllib (3.11)
  *) echo "bootstrap: unknown Django series '$series' (use 6.1 or 5.2)" >&2; exit 2 ;;
esac
[ -f "$lock" ] || { echo "bootstrap: missing lock file $lock" >&2; exit 2; }

suitable() {  # does "$1" run, and is it Python 3.$min_minor to 3.13?
  "$1" -c "import sys; sys.exit(not ((3, $min_minor) <= sys.version_info[:2] <= (3, 13)))" \
    >/dev/null 2>&1
}

find_python() {
  if [ -n "${PYTHON:-}" ]; then
    suitable "$PYTHON" && { echo "$PYTHON"; return; }
    echo "bootstrap: PYTHON=$PYTHON is not Python 3.$min_minor-3.13" >&2; return 1
  fi
  local candidates=() minor
  # Oldest suitable first: the lock files are resolved for that version.
  for minor in $(seq "$min_minor" 13); do
    candidates+=("python3.$minor")
    if command -v pyenv >/dev/null 2>&1; then
      candidates+=("$(pyenv root)"/versions/3."$minor".*/bin/python3)
    fi
  done
  candidates+=(python3)
  local c
  for c in "${candidates[@]}"; do
    suitable "$c" && { command -v "$c"; return; }
  done
  return 1
}

stamp="$venv/.installed-$(cat "$lock" "$0" | sha256sum | cut -c1-16)"
if [ ! -f "$stamp" ]; then
  if ! python=$(find_python); then
    cat >&2 <<MSG
bootstrap: no Python 3.$min_minor-3.13 found for Django $series.
  Install one (for example: apt-get install python3.12, or pyenv install 3.12),
  or point PYTHON at it: make test PYTHON=/path/to/python3.12
MSG
    exit 1
  fi
  echo "bootstrap: creating $venv with $python ($("$python" --version))" >&2
  rm -rf "$venv"
  "$python" -m venv "$venv"
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check "uv==$uv_version" \
    2>&1 | grep -v "is ignored" >&2 || true
  # Compiled now, because PYTHONDONTWRITEBYTECODE (set on many machines, CI
  # included) would otherwise make every process compile its imports again.
  "$venv/bin/uv" pip sync --quiet --compile-bytecode --python "$venv/bin/python" "$lock" >&2
  touch "$stamp"
fi
