"""The reports as CSV (`format=csv`): a header row, then one line per figure, amounts as the
API's exact decimal strings, names never run as a spreadsheet formula."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from server.domain import reports
from server.domain.export import spreadsheet_text
from server.domain.money import format_amount

FLOWS = ("money_in", "money_out", "transfers", "net", "balance")


def flow_figures(part: reports.CashFlow, month: reports.MonthFlow) -> list[str | None]:
    """A cash-flow month's figures, in the order of FLOWS (no balance: None)."""
    values = (month.money_in, month.money_out, month.transfers, month.net, month.balance)
    return [None if v is None else format_amount(v, part.currency) for v in values]


def _spending(part: reports.Spending) -> Iterable[list[Any]]:
    for group in part.groups:
        for category in group.categories:
            amount = format_amount(category.amount, part.currency)
            name, group_name = spreadsheet_text(category.name), spreadsheet_text(group.name)
            yield [part.currency, group_name, name, amount]


def _income_expense(part: reports.IncomeExpense) -> Iterable[list[Any]]:
    for m in part.months:
        figures = (format_amount(x, part.currency) for x in (m.income, m.expense, m.net))
        yield [part.currency, m.month, *figures]


def _net_worth(part: reports.NetWorth) -> Iterable[list[Any]]:
    for m in part.months:
        yield [part.currency, m.month, format_amount(m.amount, part.currency)]


def _cash_flow(part: reports.CashFlow) -> Iterable[list[Any]]:
    for m in part.months:
        yield [part.currency, m.month, *flow_figures(part, m)]


# Each report: its header row and how one part (one currency) becomes lines.
LAYOUTS: dict[str, tuple[list[str], Callable[[Any], Iterable[list[Any]]]]] = {
    "spending": (["currency", "group", "category", "amount"], _spending),
    "income-expense": (["currency", "month", "income", "expense", "net"], _income_expense),
    "net-worth": (["currency", "month", "net_worth"], _net_worth),
    "cash-flow": (["currency", "month", *FLOWS], _cash_flow),
}


def report_csv(name: str, parts: Sequence[Any]) -> str:
    """The report `name` (a key of LAYOUTS) of these parts as CSV text."""
    header, lines = LAYOUTS[name]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    for part in parts:
        writer.writerows(lines(part))
    return out.getvalue()
