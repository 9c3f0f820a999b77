#!/usr/bin/env bash
# Make dist/Tallybook-<version>.dmg from dist/Tallybook.app, which `python build/build.py` makes
# on macOS (packaging.spec's BUNDLE step, with build/icons/tallybook.icns as the app's icon).
#
#   python build/build.py && bash build/macos/make_dmg.sh
#
# The image holds the app and a link to /Applications: a user installs by dragging one onto the
# other. The app is neither signed nor notarized, so the first start needs Control-click > Open.
set -euo pipefail

cd "$(dirname "$0")/../.."
PYTHON="${PYTHON:-python3}"
VERSION="$("$PYTHON" build/project.py)"  # from pyproject.toml, the version's one home
APP="dist/Tallybook.app"
DMG="dist/Tallybook-$VERSION.dmg"

if [[ ! -d "$APP" ]]; then
  echo "No $APP: run \`python build/build.py\` on macOS first." >&2
  exit 1
fi

STAGE="$(mktemp -d)"
trap 'rm -rf "$STAGE"' EXIT
ditto "$APP" "$STAGE/Tallybook.app"  # keeps the bundle's links, modes and extended attributes
ln -s /Applications "$STAGE/Applications"

# UDZO: read-only and zlib-compressed, which every macOS version opens.
hdiutil create -volname "Tallybook $VERSION" -srcfolder "$STAGE" -fs HFS+ -format UDZO -ov "$DMG"
echo "Built $DMG"
