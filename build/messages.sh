#!/usr/bin/env bash
# The one way to keep the translations: extract the marked strings, update each language's
# catalog, compile the catalogs that the program reads at run time (the .mo files are kept in
# the repository beside their .po, so a source checkout, an editable install and the
# PyInstaller bundle read the same files; tests/docs/test_translations.py checks they are
# current and complete).
#
#   bash build/messages.sh extract        write the templates (.pot) of both domains
#   bash build/messages.sh update         extract, then merge new strings into every .po
#   bash build/messages.sh compile        compile every .po into its .mo
#   bash build/messages.sh init LANG      start a new language's catalogs (e.g. init it)
#
# Domains: "messages" (Python and templates, babel.cfg) and "scripts" (the ES modules,
# babel-scripts.cfg, when it exists).
set -euo pipefail
cd "$(dirname "$0")/.."
PYBABEL="${PYBABEL:-${TALLYBOOK_VENV:-.venv}/bin/pybabel}"
[[ -x "$PYBABEL" ]] || PYBABEL=pybabel
TRANSLATIONS=server/translations

domains() {
  echo "messages babel.cfg"
  [[ -f babel-scripts.cfg ]] && echo "scripts babel-scripts.cfg"
  return 0
}

extract() {
  while read -r domain config; do
    # No dates or versions in the templates: the same code gives the same file.
    "$PYBABEL" -q extract -F "$config" --no-location --sort-output \
      --omit-header -o "$TRANSLATIONS/$domain.pot" .
  done < <(domains)
}

case "${1:-}" in
  extract) extract ;;
  update)
    extract
    while read -r domain _; do
      "$PYBABEL" -q update --no-fuzzy-matching --ignore-obsolete -D "$domain" \
        -i "$TRANSLATIONS/$domain.pot" -d "$TRANSLATIONS"
    done < <(domains)
    ;;
  compile)
    while read -r domain _; do
      "$PYBABEL" compile --statistics -D "$domain" -d "$TRANSLATIONS"
    done < <(domains)
    ;;
  init)
    extract
    while read -r domain _; do
      "$PYBABEL" -q init -D "$domain" -i "$TRANSLATIONS/$domain.pot" -d "$TRANSLATIONS" \
        -l "${2:?name the language, e.g. init it}"
    done < <(domains)
    ;;
  *) sed -n '2,15p' "$0"; exit 2 ;;
esac
