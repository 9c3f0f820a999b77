"""Example requests and responses of the import routes: the fields issue 18 added over
`server.api.examples` (reversed amounts, skipping unreadable lines, dates in words, and what a
QIF file adds to its rows: a CSV row says none of it)."""

from __future__ import annotations

from server.api import examples as ex

FILE_IN = {**ex.FILE_IN, "amounts_reversed": False}
IMPORT_IN = {**ex.IMPORT_IN, "amounts_reversed": False, "skip_unreadable": True}
_NOTHING_MORE = {"category": None, "transfer": None, "tag": None, "cleared": "", "splits": []}
PREVIEW = {
    **ex.PREVIEW,
    "rows": [{**row, **_NOTHING_MORE} for row in ex.PREVIEW["rows"]],
    "links": [],
    "layout": {**ex.PREVIEW["layout"], "amounts_reversed": False},
    "date_format_words": {"%Y-%m-%d": "year-month-day (like 2026-12-31)"},
    "reversal_suggested": None,
}
IMPORT = {
    **ex.IMPORT,
    "unreadable": [{"line": 14, "message": "31.11.2026 is not a date."}],
}
JOB_DONE = {**ex.JOB_DONE, "import": {**IMPORT, "added": 1250}}
IMPORT_LIST = {"items": [IMPORT, {**IMPORT, "id": 5, "file_name": "checking-feb.csv"}]}
