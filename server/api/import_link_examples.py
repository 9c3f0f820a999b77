"""The import preview's example with what a QIF file adds to its rows (`server.api.examples`
holds the CSV preview it extends: a CSV row says none of it)."""

from __future__ import annotations

from server.api import examples as ex

_NOTHING_MORE = {"category": None, "transfer": None, "tag": None, "cleared": "", "splits": []}
PREVIEW = {
    **ex.PREVIEW,
    "rows": [{**row, **_NOTHING_MORE} for row in ex.PREVIEW["rows"]],
    "links": [],
}
