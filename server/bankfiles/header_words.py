"""The words banks write in a CSV file's header row, per role, in the languages they export in.

Taken from real exports (named beside each group). Where a file has two columns for a role, the
word listed first wins (the booking date over the value date). A header is compared after
`header_key`:
lower-cased, trimmed, mBank's leading "#" dropped, spaces around "/" removed, so
"Auftraggeber / Begünstigter" and "auftraggeber/begünstigter" are one word.
"""

from __future__ import annotations

import re

ROLE_WORDS: dict[str, tuple[str, ...]] = {
    "date": (
        # English: Chase, Amex, Capital One ("transaction date"), Discover ("trans. date")
        "date",
        "posting date",
        "transaction date",
        "trans. date",
        "booking date",
        # German: Sparkasse CAMT, DKB, ING DE ("buchung"), N26, comdirect, Commerzbank
        "datum",
        "buchungstag",
        "buchungsdatum",
        "buchung",
        # French: BNP, Crédit Agricole, Société Générale
        "date opération",
        "date operation",
        "date de l'opération",
        "date de l'operation",
        # Spanish: Santander, BBVA
        "fecha",
        "fecha operación",
        "fecha operacion",
        # Italian (Intesa, UniCredit) and Polish (PKO BP, mBank) both say "data ..."
        "data",
        "data contabile",
        "data operazione",
        "data registrazione",
        "data operacji",
        "data transakcji",
        "data księgowania",
        # Dutch: Rabobank, ING NL, ABN AMRO
        "boekdatum",
        "transactiedatum",
        # The day the bank settled it: only where the file gives no booking date.
        "post date",
        "posted date",
        "value date",
        "valuta",
        "valutadatum",
        "wertstellung",
        "wertstellung (valuta)",
        "date de valeur",
        "fecha valor",
        "f.valor",
        "data valuta",
        "data waluty",
        "rentedatum",
    ),
    "amount": (
        "amount",
        "amount (eur)",
        "amount (usd)",
        "transaction amount",
        "betrag",
        "betrag (eur)",
        "betrag (€)",
        "umsatz",
        "umsatz in eur",
        "montant",
        "montant (eur)",
        "montant de l'opération",
        "montant de l'operation",
        "montant opération",
        "montant operation",
        "importe",
        "importe (eur)",
        "bedrag",
        "bedrag (eur)",
        "transactiebedrag",
        "importo",
        "importo (eur)",
        "kwota",
        "kwota operacji",
        "kwota transakcji",
        "valor",
    ),
    "debit": (
        "debit",
        "debit amount",
        "withdrawal",
        "withdrawals",
        "money out",
        "paid out",
        "soll",
        "ausgang",
        "débit",
        "débit euros",
        "debit euros",
        "af",
        "cargo",
        "cargos",
        "addebiti",
        "uscite",
        "dare",
        "obciążenia",
        "wydatki",
    ),
    "credit": (
        "credit",
        "credit amount",
        "deposit",
        "deposits",
        "money in",
        "paid in",
        "haben",
        "eingang",
        "crédit",
        "crédit euros",
        "credit euros",
        "bij",
        "abono",
        "abonos",
        "accrediti",
        "entrate",
        "avere",
        "uznania",
        "wpływy",
    ),
    # A column saying which way each (unsigned) amount goes: S/H, Af/Bij, D/C. Not "type":
    # banks name many things so (Chase's ACH_DEBIT and CHECK_PAID, with signed amounts).
    "direction": (
        "debit/credit",
        "dr/cr",
        "cr/dr",
        "d/c",
        "af bij",
        "af/bij",
        "soll/haben",
        "s/h",
        "direction",
        "cargo/abono",
        "dare/avere",
    ),
    "payee": (
        "payee",
        "name",
        "merchant",
        "beneficiary",
        "counterparty",
        "partner name",
        "description",
        # German
        "empfänger",
        "auftraggeber/empfänger",
        "auftraggeber/begünstigter",
        "begünstigter/zahlungspflichtiger",
        "beguenstigter/zahlungspflichtiger",
        "empfänger/zahlungspflichtiger",
        "auftraggeber/zahlungsempfänger",
        "zahlungsempfänger*in",
        "name zahlungsbeteiligter",
        "name des partners",
        # French
        "libellé",
        "libelle",
        "libellé opération",
        "libelle operation",
        "bénéficiaire",
        # Spanish
        "concepto",
        "beneficiario",
        # Dutch
        "naam/omschrijving",
        "naam",
        "naam tegenpartij",
        "tegenpartij",
        # Italian
        "descrizione",
        "beneficiario/ordinante",
        # Polish
        "opis operacji",  # mBank (PKO BP's "opis transakcji" is its purpose: a memo)
        "nadawca/odbiorca",
        "odbiorca",
        "kontrahent",
    ),
    "memo": (
        "memo",
        "reference",
        "notes",
        "note",
        "remarks",
        "payment reference",
        "verwendungszweck",
        "vorgang/verwendungszweck",
        "mitteilungen",
        "communication",
        "référence",
        "détail de l'écriture",
        "detail de l'ecriture",
        "omschrijving",
        "omschrijving-1",
        "mededelingen",
        "observaciones",
        "descripción",
        "descrizione estesa",
        "causale",
        "tytuł",
        "tytuł operacji",
        "opis transakcji",
        "szczegóły",
        "buchungstext",  # the kind of booking, where the file has no purpose column
    ),
    "bank_id": ("transaction id", "id", "reference number", "fitid", "transaktions-id"),
}
# A direction column's words for money going out (anything else is money coming in).
OUT_WORDS = ("debit", "dr", "d", "af", "s", "soll", "out", "withdrawal", "-", "cargo", "dare")


def header_key(header: str) -> str:
    """A header as `ROLE_WORDS` writes it (see the module's docstring)."""
    name = header.strip().strip('"').lstrip("#").strip().lower()
    return re.sub(r"\s*/\s*", "/", re.sub(r"\s+", " ", name))


def role_of(header: str) -> tuple[str, int] | None:
    """The role a header names, and the word's rank in that role (0 first), if it names one."""
    name = header_key(header)
    for role, words in ROLE_WORDS.items():
        if name in words:
            return role, words.index(name)
    return None
