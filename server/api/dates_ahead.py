"""What the API says of dates ahead, in one place: balances are as of today (the server's
local date), what is dated after it is shown apart, and a date more than a year ahead is
kept only when the body confirms it."""

from __future__ import annotations

from server.api.schemas import Flag

FAR_DATE_RULE = (
    "A date more than a year after today is refused (422, at the date and at "
    "`confirm_far_date`) unless the body confirms it with `confirm_far_date: true`."
)
AS_OF_RULE = (
    "Balances are as of today (`as_of`, the server's local date): transactions dated after "
    "it, and an opening balance whose opening date is after it, count in "
    "`balance_projected` only. They change by themselves as days pass, without a change in "
    "the feed."
)


def confirm_far_date() -> Flag:
    """Return the body field that keeps a date more than a year ahead."""
    return Flag(
        load_default=False,
        metadata={"description": "Keep a date more than a year ahead. " + FAR_DATE_RULE},
    )
