"""Reading OFX and QFX files: the bank and credit card statements banks export.

OFX 1.x is SGML: a header of KEY:VALUE lines, then tags, where a data element needs no end
tag. OFX 2.x is XML: an XML declaration and an <?OFX ...?> instruction, then closed tags. QFX
is either, with Intuit's private tags (INTU.BID) added. `read_ofx` gives one `Statement` per
bank or credit card statement, in file order; it leaves out pending transactions
(BANKTRANLISTP) and investment statements, and raises only ImportProblem.

A statement's rows are `Row`s whose `line` is the transaction's ordinal in the file (1 for the
first <STMTTRN>, counting on across statements), not a line of text: banks may write a whole
file on one line. A transaction that cannot be read is a `RowProblem` with that ordinal, and
the rest are kept. An ImportProblem's line, for a file that cannot be read at all, is a line
of the text.

ofxtools converts the values (OFX dates, amounts with a decimal point or comma, text with
&amp; and the like) and says which tags are aggregates. The structure is read here, not by its
parser: that closes whatever a cut-short file leaves open, never checks that an end tag matches
the element it closes, and nests all that follows an empty element (a <MEMO> with nothing, as
banks write) inside it, so that a damaged file is misread or refused for a misleading reason.
Nor by its converter, which refuses a whole file for one bad amount, a missing balance or
signon, a language code it does not list, or an element out of the specification's order.
"""

from __future__ import annotations

import codecs
import functools
import hashlib
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import date
from types import ModuleType
from typing import Any
from xml.sax import saxutils

from server.bankfiles.file_problems import ImportProblem
from server.bankfiles.rows import Row, RowProblem

MAX_BYTES = 15 * 1024 * 1024
MAX_TRANSACTIONS = 200_000

# Statement aggregate -> (Statement.kind, the aggregate holding its ACCTID).
_STATEMENTS = {"STMTRS": ("bank", "BANKACCTFROM"), "CCSTMTRS": ("creditcard", "CCACCTFROM")}

# Encoding names in OFX 1.x headers (ENCODING, CHARSET) and XML declarations -> Python codec.
_CODECS = {
    "UTF-8": "utf-8",
    "UNICODE": "utf-8",
    "USASCII": "ascii",
    "US-ASCII": "ascii",
    "1252": "cp1252",
    "CP1252": "cp1252",
    "WINDOWS-1252": "cp1252",
    "ISO-8859-1": "latin-1",
    "8859-1": "latin-1",
    "ISO-8859-15": "iso8859-15",
}
_CODEC_NAMES = "|".join(sorted(map(re.escape, _CODECS), key=len, reverse=True))
# Known values only, so that a header written on one line without spaces still reads.
_HEADER_FIELD = re.compile(rf"(ENCODING|CHARSET):\s*({_CODEC_NAMES})", re.IGNORECASE)
_XML_ENCODING = re.compile(r"<\?xml[^>]*?\bencoding\s*=\s*[\"']([\w.:-]+)", re.IGNORECASE)

# Comments, processing instructions and CDATA are bounded so that an unclosed one costs a
# bounded scan, not one to the end of the file for each.
_TOKEN = re.compile(
    r"<!--.{0,4096}?-->|<\?[^<>]{0,4096}\?>|<!\[CDATA\[(?P<cdata>.{0,4096}?)\]\]>"
    r"|<(?P<end>/)?(?P<tag>[A-Za-z][\w.]*)\s*(?P<empty>/)?>",
    re.DOTALL,
)
_AMOUNT = re.compile(r"[+-]?(?:\d+(?:[.,]\d*)?|[.,]\d+)")
_CURRENCY = re.compile(r"[A-Z]{3}")


@dataclass(frozen=True)
class _OfxTools:
    models: ModuleType
    aggregate: type
    string: Any
    decimal: Any
    datetime: Any


@functools.cache
def _ofxtools() -> _OfxTools:
    """ofxtools, imported for the first OFX file: building its 400 models takes half a second
    that the app's start-up should not pay."""
    import ofxtools.models
    from ofxtools import Types
    from ofxtools.models.base import Aggregate

    return _OfxTools(ofxtools.models, Aggregate, Types.String(), Types.Decimal(), Types.DateTime())


@dataclass(frozen=True)
class Statement:
    """One bank or credit card statement of the file, with its transactions."""

    kind: str  # "bank" or "creditcard"
    account: str  # the bank's account number masked to its last 4 characters: "…1234"
    currency: str  # CURDEF, e.g. "USD"
    rows: list[Row]
    problems: list[RowProblem]
    key: str = ""  # what tells this account's statements from others', never its number


def looks_like_ofx(data: bytes) -> bool:
    """Whether `data` starts like OFX: an OFX header or <OFX>, after any BOM and whitespace."""
    head = data[:1024].removeprefix(codecs.BOM_UTF8).lstrip().upper()
    if head.startswith(b"<?XML"):
        return b"OFXHEADER" in head or b"<OFX>" in head
    return head.startswith((b"OFXHEADER", b"<OFX>"))


def read_ofx(data: bytes) -> list[Statement]:
    """The file's bank and credit card statements, in file order (see the module docstring)."""
    if len(data) > MAX_BYTES:
        raise ImportProblem(f"The file is larger than {MAX_BYTES // 2**20} MB.")
    if not data.strip():
        raise ImportProblem("The file is empty.")
    if not looks_like_ofx(data):
        raise ImportProblem(
            "This is not an OFX or QFX file: it starts with neither an OFX header nor <OFX>."
        )
    if b"\x00" in data:
        raise ImportProblem("This is not a text file (it holds binary data).")
    root = _parse(_decode(data))
    transactions = list(root.iter("STMTTRN"))
    if len(transactions) > MAX_TRANSACTIONS:
        raise ImportProblem(f"The file has more than {MAX_TRANSACTIONS} transactions.")
    ordinals = {transaction: n for n, transaction in enumerate(transactions, 1)}
    found = [element for element in root.iter() if element.tag in _STATEMENTS]
    if not found:
        if root.find(".//INVSTMTRS") is not None:
            raise ImportProblem(
                "Investment accounts are not supported: this file holds only investment statements."
            )
        raise ImportProblem("This file holds no bank or credit card statement.")
    return [_statement(element, n, ordinals) for n, element in enumerate(found, 1)]


def _decode(data: bytes) -> str:
    """The file's text, in the encoding its OFX 1.x header or XML declaration names.

    A file that breaks its own declaration (USASCII with accented names, as many do) is read
    as UTF-8 if it is valid UTF-8, else as Windows-1252, else as Latin-1.
    """
    if data.startswith(codecs.BOM_UTF8):
        declared = "utf-8-sig"
    else:
        declared = _declared_codec(data[:1024].decode("ascii", "replace"))
    for codec in (declared, "utf-8", "cp1252"):
        try:
            return data.decode(codec)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")


def _declared_codec(head: str) -> str:
    declaration = _XML_ENCODING.search(head)
    if declaration:
        return _CODECS.get(declaration[1].upper(), "utf-8")
    header = head.partition("<")[0]
    fields = {name.upper(): value.upper() for name, value in _HEADER_FIELD.findall(header)}
    if _CODECS.get(fields.get("ENCODING", "")) == "utf-8":
        return "utf-8"
    return _CODECS.get(fields.get("CHARSET", ""), "ascii")


@functools.lru_cache(maxsize=4096)
def _is_aggregate(tag: str) -> bool:
    """Whether OFX (as ofxtools knows it) makes `tag` an aggregate, which needs an end tag."""
    tools = _ofxtools()
    model = getattr(tools.models, tag, None)
    return isinstance(model, type) and issubclass(model, tools.aggregate)


def _name(element: ET.Element) -> str:
    fitid = element.findtext("FITID", "").strip()[:40]
    return f"<{element.tag}> with FITID {fitid}" if fitid else f"<{element.tag}>"


@dataclass
class _Open:
    element: ET.Element
    at: int  # where its start tag is in the text


class _TreeBuilder:
    """The element tree of an OFX body, SGML or XML, checked to be whole and well nested.

    A data element ends at the next tag (SGML needs no end tag). An element with neither data
    nor an end tag is empty; the elements that followed it, which it took in while it was
    open, go back to its parent. An aggregate (without data) must have its end tag.
    """

    def __init__(self, text: str) -> None:
        self.text = text
        self.stack: list[_Open] = []
        self.root: ET.Element | None = None

    def line(self, at: int) -> int:
        return self.text.count("\n", 0, at) + 1

    def problem(self, message: str, at: int) -> ImportProblem:
        return ImportProblem(message, self.line(at))

    def data(self, piece: str, at: int) -> None:
        if not piece.strip():
            return
        top = self.stack[-1].element if self.stack else None
        if top is None or len(top):
            at += len(piece) - len(piece.lstrip())
            raise self.problem(f"Text outside any element: {piece.strip()[:40]!r}.", at)
        top.text = (top.text or "") + piece

    def start(self, tag: str, at: int, *, empty: bool) -> None:
        if self.stack and self.stack[-1].element.text is not None:
            self.stack.pop()
        if self.stack:
            element = ET.SubElement(self.stack[-1].element, tag)
        elif self.root is None:
            element = self.root = ET.Element(tag)
        else:
            raise self.problem(f"The file goes on after its <{self.root.tag}> element ends.", at)
        if not empty:
            self.stack.append(_Open(element, at))

    def end(self, tag: str, at: int) -> None:
        depth = len(self.stack) - 1
        while depth >= 0 and self.stack[depth].element.tag != tag:
            depth -= 1
        if depth < 0:
            raise self.problem(f"</{tag}> ends no open <{tag}>.", at)
        unclosed = self.stack[depth + 1 :]
        for open_ in unclosed:
            if open_.element.text is None and _is_aggregate(open_.element.tag):
                raise self.problem(
                    f"{_name(open_.element)}, from line {self.line(open_.at)}, has no end tag "
                    f"before </{tag}>.",
                    at,
                )
        parent = self.stack[depth].element
        for open_ in unclosed:  # outermost first, so that each element moves once
            parent.extend(list(open_.element))
            del open_.element[:]
        del self.stack[depth:]

    def close(self) -> ET.Element:
        if self.stack:
            inner = next(
                (o for o in reversed(self.stack) if _is_aggregate(o.element.tag)), self.stack[-1]
            )
            raise self.problem(
                f"The file ends inside {_name(inner.element)}, which starts on this line: "
                "it is cut short or damaged.",
                inner.at,
            )
        if self.root is None:
            raise ImportProblem("The file has no <OFX> element.")
        if self.root.tag != "OFX":
            raise ImportProblem(f"The file's top element is <{self.root.tag}>, not <OFX>.")
        return self.root


def _parse(text: str) -> ET.Element:
    """The <OFX> element of the file's text (what precedes the first tag is the 1.x header)."""
    builder = _TreeBuilder(text)
    at = text.find("<")
    if at < 0:
        raise ImportProblem("The file has no <OFX> element.")
    for token in _TOKEN.finditer(text, at):
        builder.data(text[at : token.start()], at)
        at = token.end()
        if token["tag"]:
            tag = token["tag"].upper()
            if token["end"]:
                builder.end(tag, token.start())
            else:
                builder.start(tag, token.start(), empty=bool(token["empty"]))
        elif token["cdata"] is not None:  # escaped, as ofxtools unescapes all text
            builder.data(saxutils.escape(token["cdata"]), token.start())
    builder.data(text[at:], at)
    return builder.close()


def _text(element: ET.Element, path: str) -> str:
    """The text at `path` under `element`, with its entities (&amp; ...) read; "" if none."""
    return _ofxtools().string.convert(element.findtext(path, "").strip()) or ""


def _statement(element: ET.Element, number: int, ordinals: dict[ET.Element, int]) -> Statement:
    kind, account_tag = _STATEMENTS[element.tag]
    account = _text(element, f"{account_tag}/ACCTID")
    if not account:
        raise ImportProblem(f"Statement {number} ({kind}) has no account number (ACCTID).")
    currency = _text(element, "CURDEF").upper()
    if not currency:
        raise ImportProblem(f"Statement {number} ({kind}) has no currency (CURDEF).")
    if not _CURRENCY.fullmatch(currency):
        raise ImportProblem(
            f"The currency {currency!r} of statement {number} ({kind}) is not a three-letter code."
        )
    rows: list[Row] = []
    problems: list[RowProblem] = []
    for transaction in element.iterfind("BANKTRANLIST/STMTTRN"):
        read = _row(transaction, ordinals[transaction])
        if isinstance(read, Row):
            rows.append(read)
        else:
            problems.append(read)
    bank = _text(element, f"{account_tag}/BANKID")
    return Statement(kind, "…" + account[-4:], currency, rows, problems, _key(kind, bank, account))


def _key(kind: str, bank: str, account: str) -> str:
    """A digest of the statement's bank and account number, to match the account's next
    statements by: kept in the book instead of the number itself."""
    return hashlib.sha256(f"ofx\x1f{kind}\x1f{bank}\x1f{account}".encode()).hexdigest()


def _row(transaction: ET.Element, line: int) -> Row | RowProblem:
    fitid = _text(transaction, "FITID")
    which = f"transaction {fitid}" if fitid else "this transaction (it has no FITID)"
    posted = _text(transaction, "DTPOSTED")
    amount = _text(transaction, "TRNAMT")
    if not posted:
        return RowProblem(line, f"The posting date (DTPOSTED) of {which} is missing.")
    try:
        _ofxtools().datetime.convert(posted)
    except (ValueError, OverflowError):
        return RowProblem(
            line,
            f"The posting date {posted} of {which} is not a date as OFX writes them "
            "(like 20261231).",
        )
    if not amount:
        return RowProblem(line, f"The amount (TRNAMT) of {which} is missing.")
    if not _AMOUNT.fullmatch(amount):
        return RowProblem(line, f"The amount {amount!r} of {which} is not a number.")
    memo = _text(transaction, "MEMO")
    check = _text(transaction, "CHECKNUM")
    return Row(
        line=line,
        # The day as the bank wrote it: ofxtools' datetime is in UTC, which can be another day.
        date=date(int(posted[:4]), int(posted[4:6]), int(posted[6:8])),
        amount=_ofxtools().decimal.convert(amount),
        payee=_text(transaction, "NAME") or _text(transaction, "PAYEE/NAME"),
        memo=memo or (f"Check {check}" if check else ""),
        bank_id=fitid or None,
    )
