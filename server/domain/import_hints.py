"""What the import preview suggests to the person, with its reason in words; never decided."""

from __future__ import annotations

from server.bankfiles.files import BankFile
from server.domain.accounts import Account


def suggest_reversal(account: Account, bank_file: BankFile) -> str | None:
    """Why to read this file's amounts the other way round ("Amounts are reversed"): only for a
    credit card, whose charges must come in as money out; None when there is no reason to."""
    if account.type != "credit_card":
        return None
    return bank_file.charges_positive
