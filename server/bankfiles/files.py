"""Any bank file in: which format it is (OFX/QFX, QIF or CSV), read the way that format reads.

`read_bank_file` sniffs the bytes, not the name: banks name files oddly (.qfx, .ofx.txt,
export.dat). What the file alone cannot settle comes back as a choice instead of a guess:
how dates read (CSV, QIF) and which statement to take from an OFX file that holds several (or
which account of a QIF file that holds several).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace

from server.bankfiles.card_signs import charges_look_positive
from server.bankfiles.csv_file import Layout, detect_layout, read_rows
from server.bankfiles.file_problems import ImportProblem
from server.bankfiles.ofx_file import Statement, looks_like_ofx, read_ofx
from server.bankfiles.qif_file import looks_like_qif, read_qif
from server.bankfiles.rows import Row, RowProblem
from server.bankfiles.text import decode

FORMATS = ("csv", "ofx", "qif")
MAX_STATEMENT = 1000  # a bound on a chosen statement's number (the file's own count decides)


@dataclass(frozen=True)
class StatementInfo:
    """One statement of an OFX file, or one account of a QIF file, to choose from."""

    account: str  # the bank's account number, masked (QIF: the account's name)
    kind: str  # bank or creditcard (QIF: also investment, which is refused when chosen)
    currency: str  # "" where the file does not say (QIF)
    rows: int
    key: str = ""  # OFX: what identifies the account's statements (a digest), to match it by
    name: str = ""  # QIF: the account's name in the program that wrote it


@dataclass(frozen=True)
class BankFile:
    """A bank file as read: its rows, or the choice that must be made before there are rows."""

    format: str
    rows: list[Row] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)
    date_formats: tuple[str, ...] = ()  # more than one: choose how the dates read
    layout: Layout | None = None  # CSV: how its columns were read
    statements: tuple[StatementInfo, ...] = ()  # OFX, QIF: every statement in the file
    statement: int | None = None  # OFX, QIF: the one read; None while there is a choice
    currency: str | None = None  # what the file says its money is in, if it says
    charges_positive: str | None = None  # CSV: why it looks like a card's charges-positive file

    @property
    def needs_choice(self) -> bool:
        """Whether the rows wait for a choice (date format, or the statement)."""
        return len(self.date_formats) > 1 or (bool(self.statements) and self.statement is None)

    @property
    def place(self) -> str:
        """What a row's `line` counts: OFX numbers its transactions, not its lines."""
        return "Transaction" if self.format == "ofx" else "Line"

    def statement_choices(self) -> str:
        """The statements to choose from, as a person reads them."""
        return "; ".join(
            f"{number}: {s.account} ({', '.join(filter(None, (s.kind, s.currency)))}, "
            f"{s.rows} transactions)"
            for number, s in enumerate(self.statements)
        )

    def summary(self) -> dict:
        """How the file was read, to record with its import."""
        if self.layout is not None:
            return {"format": self.format, **self.layout.__dict__}
        found = {"format": self.format, "date_formats": list(self.date_formats)}
        if self.statement is not None:
            found["statement"] = self.statements[self.statement].__dict__
        return found


def read_bank_file(
    data: bytes,
    *,
    date_format: str | None = None,
    columns: dict[str, int] | None = None,
    statement: int | None = None,
    amounts_reversed: bool | None = None,
    preset: Callable[[Layout], Layout] = lambda layout: layout,
) -> BankFile:
    """Read a bank file of any format we know; raise only ImportProblem.

    `date_format`, `columns`, `statement` and `amounts_reversed` (CSV: flip every amount's
    sign) are the person's choices; `preset` adjusts a CSV's detected layout (the account's
    saved column mapping) before they apply.
    """
    if looks_like_ofx(data):
        _refuse_reversal("an OFX", amounts_reversed)
        return _ofx(read_ofx(data), statement)
    text, _ = decode(data)
    if looks_like_qif(text):
        _refuse_reversal("a QIF", amounts_reversed)
        qif = read_qif(text, date_format, statement)
        accounts = tuple(
            StatementInfo(a.name, a.kind, "", a.rows, name=a.name) for a in qif.accounts
        )
        return BankFile(
            "qif",
            qif.rows,
            qif.problems,
            qif.date_formats,
            statements=accounts if len(accounts) > 1 else (),
            statement=qif.account if len(accounts) > 1 else None,
        )
    layout = preset(detect_layout(text))
    if columns:
        outside = [role for role, index in columns.items() if not 0 <= index < len(layout.headers)]
        if outside:
            raise ImportProblem(
                f"The file has {len(layout.headers)} columns: there is no column "
                f"{columns[outside[0]]} for {outside[0]}."
            )
        layout = replace(layout, columns=dict(columns))
    if amounts_reversed is not None:
        layout = replace(layout, amounts_reversed=amounts_reversed)
    if date_format:
        layout = layout.with_date_format(date_format)
    if layout.ambiguous_dates:
        return BankFile("csv", date_formats=layout.date_formats, layout=layout)
    rows, problems = read_rows(text, layout)
    hint = charges_look_positive(text, layout, rows)
    return BankFile("csv", rows, problems, layout.date_formats, layout, charges_positive=hint)


def _refuse_reversal(kind: str, amounts_reversed: bool | None) -> None:
    if amounts_reversed:
        raise ImportProblem(
            f"This is {kind} file, which says itself which way each amount goes: only a CSV "
            "file's amounts can be reversed.",
            field="amounts_reversed",
        )


def _ofx(statements: list[Statement], chosen: int | None) -> BankFile:
    infos = tuple(
        StatementInfo(s.account, s.kind, s.currency, len(s.rows), s.key) for s in statements
    )
    if chosen is None and len(statements) == 1:
        chosen = 0
    if chosen is None:
        return BankFile("ofx", statements=infos)
    if not 0 <= chosen < len(statements):
        raise ImportProblem(
            f"The file has {len(statements)} statements; there is no number {chosen}."
        )
    picked = statements[chosen]
    return BankFile(
        "ofx",
        picked.rows,
        picked.problems,
        statements=infos,
        statement=chosen,
        currency=picked.currency,
    )
