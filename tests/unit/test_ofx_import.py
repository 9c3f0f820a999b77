"""Reading OFX and QFX files: statements written after real banks' files, quirks, bad input."""

from __future__ import annotations

import contextlib
from datetime import date, datetime
from decimal import Decimal
from xml.sax.saxutils import escape

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from server.bankfiles import ofx_file
from server.bankfiles.file_problems import ImportProblem
from server.bankfiles.ofx_file import Statement, looks_like_ofx, read_ofx
from server.bankfiles.rows import Row, RowProblem

SGML_HEADER = (
    "OFXHEADER:100\r\nDATA:OFXSGML\r\nVERSION:102\r\nSECURITY:NONE\r\nENCODING:USASCII\r\n"
    "CHARSET:1252\r\nCOMPRESSION:NONE\r\nOLDFILEUID:NONE\r\nNEWFILEUID:NONE\r\n\r\n"
)

# A US bank's checking account, OFX 1.02: CRLF, data elements without end tags.
US_CHECKING = SGML_HEADER + (
    "<OFX>\r\n<SIGNONMSGSRSV1>\r\n<SONRS>\r\n<STATUS>\r\n<CODE>0\r\n<SEVERITY>INFO\r\n</STATUS>\r\n"
    "<DTSERVER>20251125083012.000[-5:EST]\r\n<LANGUAGE>ENG\r\n"
    "<FI>\r\n<ORG>B1\r\n<FID>10898\r\n</FI>\r\n</SONRS>\r\n</SIGNONMSGSRSV1>\r\n"
    "<BANKMSGSRSV1>\r\n<STMTTRNRS>\r\n<TRNUID>1\r\n<STATUS>\r\n<CODE>0\r\n<SEVERITY>INFO\r\n"
    "</STATUS>\r\n<STMTRS>\r\n<CURDEF>USD\r\n<BANKACCTFROM>\r\n<BANKID>021000021\r\n"
    "<ACCTID>000123456789\r\n<ACCTTYPE>CHECKING\r\n</BANKACCTFROM>\r\n"
    "<BANKTRANLIST>\r\n<DTSTART>20251101120000[0:GMT]\r\n<DTEND>20251124120000[0:GMT]\r\n"
    "<STMTTRN>\r\n<TRNTYPE>DEBIT\r\n<DTPOSTED>20251124230000.000[-5:EST]\r\n<TRNAMT>-54.21\r\n"
    "<FITID>2025112401\r\n<NAME>CORNER GROCER #114\r\n<MEMO>POS PURCHASE SPRINGFIELD IL\r\n"
    "</STMTTRN>\r\n"
    "<STMTTRN>\r\n<TRNTYPE>CHECK\r\n<DTPOSTED>20251120120000.000[-5:EST]\r\n<TRNAMT>-150.00\r\n"
    "<FITID>2025112002\r\n<CHECKNUM>1042\r\n<NAME>CHECK\r\n</STMTTRN>\r\n"
    "<STMTTRN>\r\n<TRNTYPE>DIRECTDEP\r\n<DTPOSTED>20251031\r\n<TRNAMT>3200.00\r\n"
    "<FITID>2025103103\r\n<NAME>ACME CORP PAYROLL\r\n<MEMO>DIRECT DEP PPD ID: 9111111101\r\n"
    "</STMTTRN>\r\n"
    "<STMTTRN>\r\n<TRNTYPE>POS\r\n<DTPOSTED>20251029120000.000[-5:EST]\r\n<TRNAMT>-37.80\r\n"
    "<FITID>2025102904\r\n<NAME>BARNES &amp; NOBLE #2231 UNION SQUARE NEW YORK\r\n"
    "<MEMO>CARD 4417 &lt;CONTACTLESS&gt;\r\n</STMTTRN>\r\n"
    "</BANKTRANLIST>\r\n<LEDGERBAL>\r\n<BALAMT>2145.79\r\n<DTASOF>20251124120000[0:GMT]\r\n"
    "</LEDGERBAL>\r\n<AVAILBAL>\r\n<BALAMT>2145.79\r\n<DTASOF>20251124120000[0:GMT]\r\n"
    "</AVAILBAL>\r\n</STMTRS>\r\n</STMTTRNRS>\r\n</BANKMSGSRSV1>\r\n</OFX>\r\n"
)
US_CHECKING_ROWS = [
    Row(1, date(2025, 11, 24), Decimal("-54.21"), "CORNER GROCER #114",
        "POS PURCHASE SPRINGFIELD IL", "2025112401"),
    Row(2, date(2025, 11, 20), Decimal("-150.00"), "CHECK", "Check 1042", "2025112002"),
    Row(3, date(2025, 10, 31), Decimal("3200.00"), "ACME CORP PAYROLL",
        "DIRECT DEP PPD ID: 9111111101", "2025103103"),
    Row(4, date(2025, 10, 29), Decimal("-37.80"), "BARNES & NOBLE #2231 UNION SQUARE NEW YORK",
        "CARD 4417 <CONTACTLESS>", "2025102904"),
]  # fmt: skip

# A German bank's current account, OFX 2.2 XML in UTF-8: closed tags, an IBAN, <MEMO/>,
# a payee given as a PAYEE aggregate, and no LEDGERBAL.
GERMAN_XML = """<?xml version="1.0" encoding="UTF-8" standalone="no"?>
<?OFX OFXHEADER="200" VERSION="220" SECURITY="NONE" OLDFILEUID="NONE" NEWFILEUID="NONE"?>
<OFX>
  <SIGNONMSGSRSV1>
    <SONRS>
      <STATUS><CODE>0</CODE><SEVERITY>INFO</SEVERITY></STATUS>
      <DTSERVER>20251125071500.000[+1:CET]</DTSERVER>
      <LANGUAGE>GER</LANGUAGE>
    </SONRS>
  </SIGNONMSGSRSV1>
  <BANKMSGSRSV1>
    <STMTTRNRS>
      <TRNUID>0</TRNUID>
      <STATUS><CODE>0</CODE><SEVERITY>INFO</SEVERITY></STATUS>
      <STMTRS>
        <CURDEF>EUR</CURDEF>
        <BANKACCTFROM>
          <BANKID>37040044</BANKID>
          <ACCTID>DE89370400440532013000</ACCTID>
          <ACCTTYPE>CHECKING</ACCTTYPE>
        </BANKACCTFROM>
        <BANKTRANLIST>
          <DTSTART>20251101</DTSTART>
          <DTEND>20251124</DTEND>
          <STMTTRN>
            <TRNTYPE>DEBIT</TRNTYPE>
            <DTPOSTED>20251124003000.000[+1:CET]</DTPOSTED>
            <TRNAMT>-1150.00</TRNAMT>
            <FITID>B2025112400017</FITID>
            <NAME>Müller Immobilien GmbH</NAME>
            <MEMO>Miete November, Wohnung 3</MEMO>
          </STMTTRN>
          <STMTTRN>
            <TRNTYPE>DIRECTDEBIT</TRNTYPE>
            <DTPOSTED>20251115000000.000[+1:CET]</DTPOSTED>
            <TRNAMT>-84.5</TRNAMT>
            <FITID>B2025111500003</FITID>
            <PAYEE>
              <NAME>Stadtwerke München</NAME>
              <ADDR1>Emmy-Noether-Straße 2</ADDR1>
              <CITY>München</CITY>
              <STATE>BY</STATE>
              <POSTALCODE>80992</POSTALCODE>
              <PHONE>089 2361 0</PHONE>
            </PAYEE>
            <MEMO/>
          </STMTTRN>
        </BANKTRANLIST>
      </STMTRS>
    </STMTTRNRS>
  </BANKMSGSRSV1>
</OFX>
"""

# A credit card as Quicken downloads it (QFX): OFX 1.02 with Intuit's INTU.BID, LF endings.
CARD_QFX = (
    "OFXHEADER:100\nDATA:OFXSGML\nVERSION:102\nSECURITY:NONE\nENCODING:USASCII\nCHARSET:1252\n"
    "COMPRESSION:NONE\nOLDFILEUID:NONE\nNEWFILEUID:NONE\n\n"
    "<OFX>\n<SIGNONMSGSRSV1>\n<SONRS>\n<STATUS>\n<CODE>0\n<SEVERITY>INFO\n<MESSAGE>SUCCESS\n"
    "</STATUS>\n<DTSERVER>20251124194502.106[-8:PST]\n<LANGUAGE>ENG\n<FI>\n<ORG>B1\n"
    "<FID>10898\n</FI>\n<INTU.BID>10898\n<INTU.USERID>JDOE1987\n</SONRS>\n</SIGNONMSGSRSV1>\n"
    "<CREDITCARDMSGSRSV1>\n<CCSTMTTRNRS>\n<TRNUID>20251124194502\n<STATUS>\n<CODE>0\n"
    "<SEVERITY>INFO\n</STATUS>\n<CCSTMTRS>\n<CURDEF>USD\n<CCACCTFROM>\n"
    "<ACCTID>4111111111111111\n</CCACCTFROM>\n<BANKTRANLIST>\n<DTSTART>20251024\n"
    "<DTEND>20251124\n"
    "<STMTTRN>\n<TRNTYPE>DEBIT\n<DTPOSTED>20251123000000.000[-8:PST]\n<TRNAMT>-23.45\n"
    "<FITID>2025112324692165327000412\n<NAME>SQ *BLUE BOTTLE COFFEE\n</STMTTRN>\n"
    "<STMTTRN>\n<TRNTYPE>CREDIT\n<DTPOSTED>20251115000000.000[-8:PST]\n<TRNAMT>500.00\n"
    "<FITID>2025111524431065319000026\n<NAME>Payment Thank You-Mobile\n</STMTTRN>\n"
    "</BANKTRANLIST>\n<LEDGERBAL>\n<BALAMT>-1023.45\n<DTASOF>20251124194502.106[-8:PST]\n"
    "</LEDGERBAL>\n</CCSTMTRS>\n</CCSTMTTRNRS>\n</CREDITCARDMSGSRSV1>\n</OFX>\n"
)


def _stmttrn(fitid: str, posted: str, amount: str, name: str) -> str:
    return (
        f"<STMTTRN><TRNTYPE>OTHER<DTPOSTED>{posted}<TRNAMT>{amount}<FITID>{fitid}"
        f"<NAME>{name}</STMTTRN>"
    )


def _stmtrs(acctid: str, accttype: str, transactions: str, currency: str = "USD") -> str:
    return (
        f"<STMTTRNRS><TRNUID>0<STATUS><CODE>0<SEVERITY>INFO</STATUS><STMTRS>"
        f"<CURDEF>{currency}<BANKACCTFROM><BANKID>121000358<ACCTID>{acctid}"
        f"<ACCTTYPE>{accttype}</BANKACCTFROM><BANKTRANLIST><DTSTART>20251101<DTEND>20251130"
        f"{transactions}</BANKTRANLIST><LEDGERBAL><BALAMT>0<DTASOF>20251130</LEDGERBAL>"
        f"</STMTRS></STMTTRNRS>"
    )


def _sgml(*statements: str) -> str:
    """An OFX 1.02 file of bank statements, written on one line after its header."""
    return f"{SGML_HEADER}<OFX><BANKMSGSRSV1>{''.join(statements)}</BANKMSGSRSV1></OFX>"


CHECKING_AND_SAVINGS = _sgml(
    _stmtrs(
        "3141592653",
        "CHECKING",
        _stmttrn("C1", "20251103", "-12.00", "TRANSFER TO SAV XXXXX8979")
        + _stmttrn("C2", "20251105", "-64.10", "PG&E WEB ONLINE"),
    ),
    _stmtrs(
        "2718288979",
        "SAVINGS",
        _stmttrn("S1", "20251103", "12.00", "TRANSFER FROM CHK XXXXX2653")
        + _stmttrn("S2", "20251130", "0.41", "INTEREST PAYMENT"),
    ),
)

INVESTMENT_ONLY = SGML_HEADER + (
    "<OFX><INVSTMTMSGSRSV1><INVSTMTTRNRS><TRNUID>1<STATUS><CODE>0<SEVERITY>INFO</STATUS>"
    "<INVSTMTRS><DTASOF>20251124<CURDEF>USD<INVACCTFROM><BROKERID>vanguard.com"
    "<ACCTID>88776655</INVACCTFROM><INVTRANLIST><DTSTART>20251101<DTEND>20251124"
    "<INVBANKTRAN><STMTTRN><TRNTYPE>DIV<DTPOSTED>20251115<TRNAMT>12.34<FITID>D1"
    "<NAME>DIVIDEND</STMTTRN><SUBACCTFUND>CASH</INVBANKTRAN></INVTRANLIST></INVSTMTRS>"
    "</INVSTMTTRNRS></INVSTMTMSGSRSV1></OFX>"
)


def only(data: bytes | str) -> Statement:
    statements = read_ofx(data.encode("ascii") if isinstance(data, str) else data)
    assert len(statements) == 1
    return statements[0]


def test_us_checking_ofx_102_sgml():
    statement = only(US_CHECKING)
    assert (statement.kind, statement.account, statement.currency) == ("bank", "…6789", "USD")
    assert statement.problems == []
    assert statement.rows == US_CHECKING_ROWS


def test_ofx_2_xml_with_utf8_names_a_payee_aggregate_and_no_balance():
    statement = only(GERMAN_XML.encode("utf-8"))
    assert (statement.kind, statement.account, statement.currency) == ("bank", "…3000", "EUR")
    assert statement.problems == []
    assert statement.rows == [
        Row(1, date(2025, 11, 24), Decimal("-1150.00"), "Müller Immobilien GmbH",
            "Miete November, Wohnung 3", "B2025112400017"),
        Row(2, date(2025, 11, 15), Decimal("-84.5"), "Stadtwerke München", "",
            "B2025111500003"),
    ]  # fmt: skip


def test_qfx_credit_card_with_intuit_tags():
    statement = only(CARD_QFX)
    assert statement.kind == "creditcard"
    assert (statement.account, statement.currency) == ("…1111", "USD")
    assert [(r.line, r.date, r.amount, r.payee, r.memo, r.bank_id) for r in statement.rows] == [
        (1, date(2025, 11, 23), Decimal("-23.45"), "SQ *BLUE BOTTLE COFFEE", "",
         "2025112324692165327000412"),
        (2, date(2025, 11, 15), Decimal("500.00"), "Payment Thank You-Mobile", "",
         "2025111524431065319000026"),
    ]  # fmt: skip


@pytest.mark.parametrize(
    "data",
    [
        US_CHECKING.replace("\r\n", ""),  # everything, header too, on one line
        US_CHECKING.replace("\r\n", " "),
        US_CHECKING.replace("\r\n", "\n"),
        US_CHECKING.replace("\r\n", "\r"),  # classic Mac OS
        "\ufeff  \r\n" + US_CHECKING,  # a BOM and blank lines before the header
        US_CHECKING.partition("\r\n\r\n")[2],  # no header at all
    ],
    ids=["one-line", "spaces", "lf", "cr", "bom", "headerless"],
)
def test_line_endings_and_layout_change_nothing(data):
    assert only(data.encode("utf-8")).rows == US_CHECKING_ROWS


def test_two_statements_in_one_file_number_their_transactions_on():
    checking, savings = read_ofx(CHECKING_AND_SAVINGS.encode())
    assert (checking.account, savings.account) == ("…2653", "…8979")
    assert [(r.line, r.bank_id, r.amount, r.payee) for r in checking.rows] == [
        (1, "C1", Decimal("-12.00"), "TRANSFER TO SAV XXXXX8979"),
        (2, "C2", Decimal("-64.10"), "PG&E WEB ONLINE"),
    ]
    assert [(r.line, r.bank_id, r.amount, r.date) for r in savings.rows] == [
        (3, "S1", Decimal("12.00"), date(2025, 11, 3)),
        (4, "S2", Decimal("0.41"), date(2025, 11, 30)),
    ]


def test_bank_and_card_statements_keep_file_order():
    card = CARD_QFX.partition("<CREDITCARDMSGSRSV1>")[2].partition("</CREDITCARDMSGSRSV1>")[0]
    checking = _stmtrs("55501234", "CHECKING", _stmttrn("K1", "20251101", "-1", "FEE"))
    data = f"{SGML_HEADER}<OFX><CREDITCARDMSGSRSV1>{card}</CREDITCARDMSGSRSV1><BANKMSGSRSV1>"
    data += f"{checking}</BANKMSGSRSV1></OFX>"
    statements = read_ofx(data.encode())
    assert [(s.kind, s.account, [r.line for r in s.rows]) for s in statements] == [
        ("creditcard", "…1111", [1, 2]),
        ("bank", "…1234", [3]),
    ]


@pytest.mark.parametrize(
    ("header", "encoded", "payee"),
    [
        ("ENCODING:USASCII\r\nCHARSET:1252", "Café Olé €5".encode("cp1252"), "Café Olé €5"),
        ("ENCODING:USASCII\r\nCHARSET:ISO-8859-1", "Café".encode("latin-1"), "Café"),
        ("ENCODING:UTF-8\r\nCHARSET:NONE", "Café ✓".encode(), "Café ✓"),
        # Files that break their header: read as UTF-8 if they can be, else Windows-1252.
        ("ENCODING:USASCII\r\nCHARSET:NONE", "Café €5".encode("cp1252"), "Café €5"),
        ("ENCODING:USASCII\r\nCHARSET:NONE", "Café".encode(), "Café"),
        # The header, not a guess, decides: these UTF-8 bytes say 1252.
        ("ENCODING:USASCII\r\nCHARSET:1252", "Café".encode(), "CafÃ©"),
    ],
)
def test_the_header_names_the_encoding(header, encoded, payee):
    head = SGML_HEADER.replace("ENCODING:USASCII\r\nCHARSET:1252", header).encode("ascii")
    body = _sgml(_stmtrs("1", "CHECKING", _stmttrn("F1", "20251101", "-1", "NAME")))
    body = body.partition("\r\n\r\n")[2].encode("ascii").replace(b">NAME<", b">" + encoded + b"<")
    for data in (head + body, head.replace(b"\r\n", b"") + body):  # one-line header too
        assert only(data).rows[0].payee == payee


@pytest.mark.parametrize(
    ("encoding", "codec"),
    [("UTF-8", "utf-8"), ("ISO-8859-1", "latin-1"), ("windows-1252", "cp1252")],
)
def test_the_xml_declaration_names_the_encoding(encoding, codec):
    xml = GERMAN_XML.replace('encoding="UTF-8"', f'encoding="{encoding}"')
    statement = only(xml.encode(codec))
    assert [r.payee for r in statement.rows] == ["Müller Immobilien GmbH", "Stadtwerke München"]


@pytest.mark.parametrize(
    ("posted", "day"),
    [
        ("20251124230000.000[-5:EST]", date(2025, 11, 24)),  # 04:00 on the 25th in UTC
        ("20251124235959.999[-12]", date(2025, 11, 24)),
        ("20251124003000.000[+1:CET]", date(2025, 11, 24)),  # 23:30 on the 23rd in UTC
        ("20251124000000[+14]", date(2025, 11, 24)),
        ("20251124013000[+5.30:IST]", date(2025, 11, 24)),
        ("20251231230000[-5:EST]", date(2025, 12, 31)),  # the next year in UTC
        ("20251124", date(2025, 11, 24)),
        ("202511241200", date(2025, 11, 24)),
    ],
)
def test_the_day_is_the_one_the_bank_wrote_not_the_utc_one(posted, day):
    statement = only(_sgml(_stmtrs("1", "CHECKING", _stmttrn("F1", posted, "-1.00", "X"))))
    assert statement.problems == []
    assert statement.rows[0].date == day


@pytest.mark.parametrize(
    ("fields", "payee", "memo"),
    [
        ("<CHECKNUM>1042<NAME>CHECK #1042", "CHECK #1042", "Check 1042"),
        ("<CHECKNUM>1042", "", "Check 1042"),
        ("<CHECKNUM>1043<NAME>RENT<MEMO>NOVEMBER", "RENT", "NOVEMBER"),
        ("<NAME>RENT<CHECKNUM>1044<MEMO>", "RENT", "Check 1044"),  # an empty MEMO
    ],
)
def test_check_numbers_stand_in_for_a_missing_memo(fields, payee, memo):
    transaction = (
        f"<STMTTRN><TRNTYPE>CHECK<DTPOSTED>20251120<TRNAMT>-900.00<FITID>F1{fields}</STMTTRN>"
    )
    row = only(_sgml(_stmtrs("1", "CHECKING", transaction))).rows[0]
    assert (row.payee, row.memo, row.amount) == (payee, memo, Decimal("-900.00"))


# A Brazilian bank's file, as such banks write it: an empty <MEMO> with no end tag (which
# makes ofxtools' own parser swallow the next transaction), decimal commas, [-3:GMT], data
# elements closed in some places and not in others, NAME past OFX's 32 characters, tags out
# of the specification's order, bare and escaped ampersands, BANKID too long for OFX.
BRAZILIAN = SGML_HEADER + (
    "<OFX>\n<SIGNONMSGSRSV1><SONRS><STATUS><CODE>0</CODE><SEVERITY>INFO</SEVERITY></STATUS>\n"
    "<DTSERVER>20251124120000[-3:GMT]<LANGUAGE>POR</SONRS></SIGNONMSGSRSV1>\n"
    "<BANKMSGSRSV1><STMTTRNRS><TRNUID>1001<STATUS><CODE>0<SEVERITY>INFO</STATUS>\n"
    "<STMTRS><CURDEF>BRL<BANKACCTFROM><BANKID>0341-ITAU-UNIBANCO<BRANCHID>0001"
    "<ACCTID>12345-6</ACCTID><ACCTTYPE>CHECKING</BANKACCTFROM>\n"
    "<BANKTRANLIST><DTSTART>20251101000000[-3:GMT]<DTEND>20251124000000[-3:GMT]\n"
    "  <STMTTRN>\n    <TRNTYPE>DEBIT\n    <DTPOSTED>20251109000000[-3:GMT]\n"
    "    <TRNAMT>-100,00\n    <FITID>00000001\n    <CHECKNUM>00000001\n    <PAYEEID>0\n"
    "    <MEMO>\n  </STMTTRN>\n"
    "  <STMTTRN>\n    <NAME>SUPERMERCADO PAO DE ACUCAR LJ 1234 SAO PAULO\n"
    "    <TRNTYPE>DEBIT</TRNTYPE>\n    <DTPOSTED>20251110000000[-3:GMT]</DTPOSTED>\n"
    "    <TRNAMT>-87,35</TRNAMT>\n    <FITID>00000002\n    <MEMO>COMPRA CARTAO & DEBITO\n"
    "  </STMTTRN>\n"
    "  <STMTTRN>\n    <TRNTYPE>CREDIT\n    <DTPOSTED>20251111000000[-3:GMT]\n"
    "    <TRNAMT>2500,00\n    <FITID>00000003\n    <NAME>Silva &amp; Filhos Ltda\n"
    "    <MEMO>\n    <REFNUM>\n  </STMTTRN>\n"
    "  <STMTTRN>\n    <TRNTYPE>FEE\n    <NAME>\n    <DTPOSTED>20251112000000[-3:GMT]\n"
    "    <TRNAMT>-12,90\n    <FITID>00000004\n    <MEMO>TARIFA PACOTE SERVICOS\n  </STMTTRN>\n"
    "</BANKTRANLIST><LEDGERBAL><BALAMT>2299,75<DTASOF>20251124</LEDGERBAL></STMTRS>\n"
    "</STMTTRNRS></BANKMSGSRSV1></OFX>\n"
)


def test_what_real_banks_write_beyond_the_specification():
    statement = only(BRAZILIAN)
    assert (statement.account, statement.currency) == ("…45-6", "BRL")
    assert statement.problems == []
    assert statement.rows == [
        Row(1, date(2025, 11, 9), Decimal("-100.00"), "", "Check 00000001", "00000001"),
        Row(2, date(2025, 11, 10), Decimal("-87.35"),
            "SUPERMERCADO PAO DE ACUCAR LJ 1234 SAO PAULO", "COMPRA CARTAO & DEBITO", "00000002"),
        Row(3, date(2025, 11, 11), Decimal("2500.00"), "Silva & Filhos Ltda", "", "00000003"),
        Row(4, date(2025, 11, 12), Decimal("-12.90"), "", "TARIFA PACOTE SERVICOS", "00000004"),
    ]  # fmt: skip


def test_comments_cdata_lowercase_tags_and_empty_xml_elements():
    transactions = (
        "<!-- generated by HomeBank 5.7 --><stmttrn><trntype>DEBIT</trntype>"
        "<dtposted>20251102</dtposted><trnamt>-9.99</trnamt><fitid>L1</fitid>"
        "<name><![CDATA[AT&T <WIRELESS> &amp; CO]]></name><memo></memo></stmttrn>"
        "<STMTTRN><TRNTYPE>DEBIT</TRNTYPE><DTPOSTED>20251103</DTPOSTED><TRNAMT>-1.00</TRNAMT>"
        "<FITID>L2</FITID><NAME>A &amp;amp; B</NAME><MEMO /></STMTTRN>"
    )
    statement = only(_sgml(_stmtrs("1", "CHECKING", transactions)))
    assert [(r.payee, r.memo, r.bank_id) for r in statement.rows] == [
        ("AT&T <WIRELESS> &amp; CO", "", "L1"),
        ("A &amp; B", "", "L2"),
    ]


NOT_OFX_DATE = "is not a date as OFX writes them (like 20261231)."


def test_transactions_that_cannot_be_read_are_named_and_the_rest_kept():
    transactions = (
        _stmttrn("GOOD1", "20251101", "-1.00", "KEPT")
        + _stmttrn("BAD-AMOUNT", "20251102", "12.3.4", "X")
        + _stmttrn("BAD-DATE", "2025-11-03", "-1.00", "X")
        + _stmttrn("FEB-30", "20250230", "-1.00", "X")
        + "<STMTTRN><TRNTYPE>DEBIT<DTPOSTED>20251104<FITID>NO-AMOUNT</STMTTRN>"
        + "<STMTTRN><TRNTYPE>DEBIT<TRNAMT>1<FITID>NO-DATE</STMTTRN>"
        + "<STMTTRN><TRNTYPE>DEBIT<DTPOSTED>20251105<TRNAMT>NaN</STMTTRN>"
        + _stmttrn("Y1", "00010101000000[+5]", "-1.00", "X")
        + _stmttrn("GOOD2", "20251106", "2", "KEPT")
    )
    statement = only(_sgml(_stmtrs("1", "CHECKING", transactions)))
    assert [(r.line, r.bank_id) for r in statement.rows] == [(1, "GOOD1"), (9, "GOOD2")]
    assert statement.problems == [
        RowProblem(2, "The amount '12.3.4' of transaction BAD-AMOUNT is not a number."),
        RowProblem(3, f"The posting date 2025-11-03 of transaction BAD-DATE {NOT_OFX_DATE}"),
        RowProblem(4, f"The posting date 20250230 of transaction FEB-30 {NOT_OFX_DATE}"),
        RowProblem(5, "The amount (TRNAMT) of transaction NO-AMOUNT is missing."),
        RowProblem(6, "The posting date (DTPOSTED) of transaction NO-DATE is missing."),
        RowProblem(7, "The amount 'NaN' of this transaction (it has no FITID) is not a number."),
        RowProblem(8, f"The posting date 00010101000000[+5] of transaction Y1 {NOT_OFX_DATE}"),
    ]


def test_investment_statements_are_refused_or_left_out():
    with pytest.raises(ImportProblem, match="Investment accounts are not supported"):
        read_ofx(INVESTMENT_ONLY.encode())
    investments = INVESTMENT_ONLY.partition("<OFX>")[2].partition("</OFX>")[0]
    both = CHECKING_AND_SAVINGS.replace("</OFX>", investments + "</OFX>")
    assert [s.account for s in read_ofx(both.encode())] == ["…2653", "…8979"]


TRUNCATED = US_CHECKING[: US_CHECKING.index("<CHECKNUM>1042") + 8]  # in the 2nd STMTTRN


@pytest.mark.parametrize(
    ("data", "message", "line"),
    [
        (b"", "The file is empty", None),
        (b"  \r\n\t", "The file is empty", None),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 20, "not an OFX or QFX file", None),
        (b"Date,Amount,Payee\n2025-11-01,-1.00,SHOP\n", "not an OFX or QFX file", None),
        (b'<?xml version="1.0"?><html><body>hi</body></html>', "not an OFX or QFX file", None),
        (b"OFXHEADER:100\r\n\x00\x01\x02\x03binary", "holds binary data", None),
        (b"OFXHEADER:100\r\nDATA:OFXSGML\r\n\r\nno tags at all", "has no <OFX> element", None),
        (TRUNCATED.encode(), "ends inside <STMTTRN> with FITID 2025112002", 51),
        (US_CHECKING.replace("</OFX>", "").encode(), "ends inside <OFX>, which starts", 11),
        (US_CHECKING.replace("</BANKTRANLIST>", "").encode(), "<BANKTRANLIST>, from line 40,", 84),
        (US_CHECKING.replace("</STMTRS>", "</STMTTRN>").encode(), "</STMTTRN> ends no open", 84),
        (US_CHECKING.replace("</FI>", "</FI>\r\nOK", 1).encode(), "outside any element: 'OK'", 24),
        ((US_CHECKING + "<OFX></OFX>").encode(), "goes on after its <OFX> element", 88),
        (b"<OFX><STMTTRN></STMTTRN></OFX>", "holds no bank or credit card statement", None),
        (b"<OFX>\n<BANKMSGSRSV1></BANKMSGSRSV1>\n</OFX>", "holds no bank or credit card", None),
        (b"<?xml version='1.0'?><?OFX OFXHEADER='200'?><OFC></OFC>", "top element is <OFC>", None),
        (US_CHECKING.replace("<ACCTID>000123456789\r\n", "").encode(), "no account number", None),
        (US_CHECKING.replace("<CURDEF>USD\r\n", "").encode(), r"1 \(bank\) has no currency", None),
        (US_CHECKING.replace("<CURDEF>USD", "<CURDEF>US$").encode(), r"'US\$' of statement", None),
    ],
)
def test_bad_files_get_a_message_naming_the_problem(data, message, line):
    with pytest.raises(ImportProblem, match=message) as raised:
        read_ofx(data)
    assert raised.value.line == line


def test_size_limits(monkeypatch):
    data = CHECKING_AND_SAVINGS.encode()
    monkeypatch.setattr(ofx_file, "MAX_TRANSACTIONS", 3)
    with pytest.raises(ImportProblem, match="more than 3 transactions"):
        read_ofx(data)
    monkeypatch.setattr(ofx_file, "MAX_BYTES", len(data) - 1)
    with pytest.raises(ImportProblem, match="larger than"):
        read_ofx(data)


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (US_CHECKING.encode(), True),
        (GERMAN_XML.encode(), True),
        (b"\xef\xbb\xbf\r\n  ofxheader:100\r\n", True),
        (b"<ofx><signonmsgsrsv1>", True),
        (b"  <OFX>", True),
        (b'<?xml version="1.0"?>\n<?OFX OFXHEADER="200" VERSION="211"?>', True),
        (b'<?xml version="1.0"?>\n<rss version="2.0">', False),
        (b"Date,Amount\n", False),
        (b"%PDF-1.7 OFXHEADER", False),
        (b"", False),
    ],
)
def test_looks_like_ofx(data, expected):
    assert looks_like_ofx(data) is expected


def _mutated(text: str, edits: list[tuple[int, int, str]]) -> bytes:
    for start, length, insert in edits:
        at = start % (len(text) + 1)
        text = text[:at] + insert + text[at + length :]
    return text.encode("utf-8")


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=2000), st.sampled_from([b"", b"OFXHEADER:100\n", b"<OFX>"]))
def test_any_bytes_give_statements_or_an_import_problem(data, prefix):
    with contextlib.suppress(ImportProblem):
        read_ofx(prefix + data)


@settings(max_examples=500, deadline=None)
@given(
    st.sampled_from([US_CHECKING, GERMAN_XML, CARD_QFX, CHECKING_AND_SAVINGS, BRAZILIAN]),
    st.lists(
        st.tuples(
            st.integers(min_value=0),
            st.integers(min_value=0, max_value=40),
            st.sampled_from(
                ["", "<", ">", "/", "&", "</", "<STMTTRN>", "</STMTTRN>", "<MEMO>", "<TRNAMT>x",
                 "</BANKTRANLIST>", "<![CDATA[", "<!--", "<?", "\x00", "é", "[-5:EST]", "9"]
            ),
        ),
        min_size=1,
        max_size=6,
    ),
)  # fmt: skip
def test_damaged_ofx_gives_statements_or_an_import_problem(text, edits):
    try:
        statements = read_ofx(_mutated(text, edits))
    except ImportProblem:
        return
    lines = [line for s in statements for line in sorted(r.line for r in [*s.rows, *s.problems])]
    assert lines == sorted(set(lines))  # ordinals: unique, and in file order


@st.composite
def transactions(draw) -> tuple[datetime, Decimal, str, str]:
    written = draw(st.datetimes(datetime(1990, 1, 1), datetime(2060, 12, 31)))
    offset = draw(st.integers(min_value=-12, max_value=14))
    amount = draw(st.decimals(-(10**9), 10**9, places=2, allow_nan=False))
    name = draw(st.text(st.characters(codec="utf-8", exclude_categories=["C", "Z"]), max_size=60))
    return written, amount, name, f"{written:%Y%m%d%H%M%S}.000[{offset:+d}:XYZ]"


@settings(max_examples=100, deadline=None)
@given(st.lists(transactions(), max_size=8), st.booleans(), st.sampled_from(["", "\r\n"]))
def test_written_transactions_read_back_exactly(written, closed, newline):
    end = "</{}>" if closed else ""
    body = "".join(
        newline.join(
            [
                "<STMTTRN>",
                f"<TRNTYPE>OTHER{end.format('TRNTYPE')}",
                f"<DTPOSTED>{posted}{end.format('DTPOSTED')}",
                f"<TRNAMT>{amount}{end.format('TRNAMT')}",
                f"<FITID>T{n}{end.format('FITID')}",
                f"<NAME>{escape(name)}{end.format('NAME')}" if name else "",
                "</STMTTRN>",
            ]
        )
        for n, (_, amount, name, posted) in enumerate(written)
    )
    data = _sgml(_stmtrs("99887766", "SAVINGS", body)).encode("utf-8")
    statement = only(data.replace(b"ENCODING:USASCII", b"ENCODING:UTF-8"))
    assert statement.problems == []
    assert statement.rows == [
        Row(n + 1, moment.date(), amount, name, "", f"T{n}")
        for n, (moment, amount, name, _) in enumerate(written)
    ]
