#!/usr/bin/env bash
# Set up a development environment on Debian/Ubuntu, then launch Tallybook or test it.
#
#   bash build/dev.sh run [main.py options]   set up, then open the Tallybook window
#   bash build/dev.sh test [pytest options]   set up, then run the whole test suite
#
# Installs the Debian packages it needs with apt-get (as root, or through sudo), makes a
# virtual environment in .venv and installs the project into it; `test` also installs the
# front end's lint tool (Biome, pinned in package-lock.json) into node_modules with npm, and
# lints with ruff and Biome before the tests. Safe to run again.
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT="$PWD"
VENV="${TALLYBOOK_VENV:-$ROOT/.venv}"
PYTHON="${PYTHON:-python3}"

# Qt's xcb platform plugin and Chromium (inside Qt WebEngine) need these to open a window.
WINDOW_PACKAGES=(libegl1 libgl1 libnss3 libxkbcommon-x11-0 libxcb-cursor0 libxcb-icccm4
  libxcb-image0 libxcb-keysyms1 libxcb-randr0 libxcb-render-util0 libxcb-shape0
  libxcb-xinerama0 libxcb-xkb1 libxcomposite1 libxdamage1 libxrandr2 libxtst6 libfontconfig1
  libdbus-1-3 libasound2)
# The browser, desktop and packaging tests: headless Chromium, a virtual display, PyInstaller
# (and readelf, for the .deb's Depends), desktop-file-validate for the .deb's menu entry.
TEST_PACKAGES=(chromium chromium-driver xvfb xauth binutils curl desktop-file-utils)

log() { printf '\033[1m==> %s\033[0m\n' "$*"; }

apt_install() {
  local missing=()
  for package in "$@"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" \
      || missing+=("$package")
  done
  ((${#missing[@]})) || return 0
  log "Installing Debian packages: ${missing[*]}"
  local sudo=()
  [[ $(id -u) -eq 0 ]] || sudo=(sudo)
  "${sudo[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends \
    "${missing[@]}" >/dev/null
}

python_env() {
  local extra="$1"
  if ! "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
    echo "Tallybook needs Python 3.11 or newer; $PYTHON is $("$PYTHON" --version 2>&1)." >&2
    exit 1
  fi
  if [[ ! -x "$VENV/bin/python" ]]; then
    "$PYTHON" -c 'import ensurepip' 2>/dev/null || apt_install python3-venv
    log "Creating the virtual environment in $VENV"
    "$PYTHON" -m venv "$VENV"
  fi
  log "Installing Tallybook[$extra] into $VENV"
  "$VENV/bin/python" -m pip install --quiet --upgrade pip
  "$VENV/bin/python" -m pip install --quiet --editable ".[$extra]"
}

# Biome (the JavaScript linter and formatter) as package-lock.json pins it; the app itself
# needs nothing from npm. Installed again whenever its binary is missing or the lock file is
# newer than the last install (npm writes node_modules/.package-lock.json), and run from
# node_modules itself: never `npx`, which would fetch an unrelated "biome" package instead.
BIOME=node_modules/.bin/biome
npm_tools() {
  command -v npm >/dev/null || apt_install nodejs npm
  if [[ ! -x $BIOME || package-lock.json -nt node_modules/.package-lock.json ]]; then
    log "Installing the front-end dev tools into node_modules"
    npm ci --no-audit --no-fund
  fi
}

command="${1:-}"
shift || true
case "$command" in
  run)
    apt_install "${WINDOW_PACKAGES[@]}"
    python_env desktop
    log "Starting Tallybook"
    exec "$VENV/bin/python" main.py "$@"
    ;;
  test)
    apt_install "${WINDOW_PACKAGES[@]}" "${TEST_PACKAGES[@]}"
    python_env dev
    npm_tools
    log "Lint"
    "$VENV/bin/ruff" check .
    "$VENV/bin/ruff" format --check .
    "$BIOME" ci .
    log "Tests"
    exec "$VENV/bin/python" -m pytest "$@"
    ;;
  *)
    echo "usage: bash build/dev.sh run|test [options]" >&2
    exit 2
    ;;
esac
