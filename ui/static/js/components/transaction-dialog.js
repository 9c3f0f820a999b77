// The dialog for a whole transaction: account, date, amount, payee, status, tags and memo, and
// where the money goes: one category, several (a split), or another account (a transfer).
import { api, newIdempotencyKey } from "../api.js";
import { today } from "../dates.js";
import { fieldsOf } from "../dom.js";
import { clearErrors, showError, showProblem, withFarDate } from "../forms.js";
import { parseTags } from "../ledger.js";
import { decimalsOf, formatMoney, formatMoneyInput, fromMinor, parseMoneyInput, toMinor } from "../money.js";
import { DateField } from "./date-field.js";
import { lastCategoryOf, suggestPayees } from "./pickers.js";
import { sendUnlockingIfAsked } from "./reconciled-lock.js";

export const DISSOLVE =
  "This is a transfer: making it an ordinary transaction deletes its other side. Go on?";

export class TransactionDialog {
  /**
   * `picker` names categories and accounts; `onSaved()` runs after a save or delete.
   */
  constructor(book, picker, onSaved) {
    this.book = book;
    this.picker = picker;
    this.onSaved = onSaved;
    this.element = document.getElementById("transaction-dialog");
    this.form = document.getElementById("transaction-form");
    this.modal = window.bootstrap.Modal.getOrCreateInstance(this.element);
    this.splits = this.form.querySelector("[data-splits]");
    this.field = fieldsOf(this.form);
    this.date = DateField.of(this.field("date"));
    this.txn = null;
    this.idempotencyKey = null;

    suggestPayees(this.field("payee"), book);
    this.field("payee").addEventListener("change", () => this.fillCategoryFromPayee());
    for (const radio of this.form.querySelectorAll('[name="kind"]')) {
      radio.addEventListener("change", () => this.showKind(radio.value));
    }
    this.field("account_id").addEventListener("change", () => this.accountChanged());
    this.field("transfer_account_id").addEventListener("change", () => this.showTransferAmount());
    this.field("amount").addEventListener("input", () => this.showSplitLeft());
    this.form.querySelector("[data-add-split]").addEventListener("click", () => {
      this.addSplit();
      this.splits.lastElementChild.querySelector("input").focus();
    });
    this.splits.addEventListener("input", () => this.showSplitLeft());
    this.splits.addEventListener("click", (event) => {
      const remove = event.target.closest("[data-remove-split]");
      if (!remove) return;
      remove.closest("[data-split]").remove();
      this.numberSplits();
      this.showSplitLeft();
    });
    this.form.querySelector("[data-delete]").addEventListener("click", () => this.delete());
    this.form.addEventListener("submit", (event) => {
      event.preventDefault();
      this.save();
    });
    this.element.addEventListener("shown.bs.modal", () => this.field("payee").focus());
  }

  account(id) {
    return this.picker.accounts.get(Number(id));
  }

  currency() {
    return this.account(this.field("account_id").value)?.currency ?? this.book.currency;
  }

  kind() {
    return this.form.querySelector('[name="kind"]:checked').value;
  }

  /**
   * Open for a new transaction (`txn` null; `values` may preset fields, e.g. the account)
   * or to change `txn` (as the API returned it, with its `etag`).
   */
  async open(txn = null, values = {}) {
    this.txn = txn;
    this.idempotencyKey = txn ? null : newIdempotencyKey();
    clearErrors(this.form);
    this.form.reset();
    this.element.querySelector("#transaction-dialog-title").textContent = txn
      ? "Change the transaction"
      : "New transaction";
    this.form.querySelector("[data-delete]").classList.toggle("d-none", !txn);
    this.fillAccounts(this.field("account_id"), null, txn?.account_id);
    const data = { ...(txn ?? {}), ...values };
    this.field("account_id").value = String(
      data.account_id ?? this.picker.accounts.keys().next().value ?? "",
    );
    this.date.set(data.date ?? today());
    this.field("amount").value = data.amount ? formatMoneyInput(data.amount, this.currency()) : "";
    this.field("payee").value = data.payee ?? "";
    this.field("status").value = data.status ?? "uncleared";
    this.field("tags").value = (data.tags ?? []).join(", ");
    this.field("memo").value = data.memo ?? "";
    this.field("category").value = this.picker.categoryText(data.category_id);
    this.splits.replaceChildren();
    for (const split of data.splits ?? []) {
      this.addSplit({
        category: this.picker.categoryText(split.category_id),
        amount: formatMoneyInput(split.amount, this.currency()),
        memo: split.memo,
      });
    }
    this.accountChanged();
    const kind = data.splits?.length ? "split" : data.transfer_account_id ? "transfer" : "category";
    this.form.querySelector(`[name="kind"][value="${kind}"]`).checked = true;
    this.showKind(kind);
    if (data.transfer_account_id) {
      this.field("transfer_account_id").value = String(data.transfer_account_id);
      this.showTransferAmount();
      if (txn?.transfer_id && this.transferCurrency() !== this.currency()) {
        try {
          const other = await api("GET", this.book.path(`/transactions/${txn.transfer_id}`));
          this.field("transfer_amount").value = formatMoneyInput(other.amount, other.currency);
        } catch (err) {
          showProblem(this.form, err); // the dialog still opens, saying what is missing
        }
      }
    }
    this.modal.show();
  }

  /** Offer the book's open accounts (and the one in use, even if archived), but `except`. */
  fillAccounts(select, except, keep) {
    const current = select.value;
    const options = [...this.picker.accounts.values()]
      .filter((a) => a.id !== except && (!a.archived || a.id === keep))
      .map((a) => new Option(a.currency === this.book.currency ? a.name : `${a.name} (${a.currency})`, a.id));
    select.replaceChildren(...options);
    if (current) select.value = current;
    // The one chosen before may not be offered any more: never leave the choice empty.
    if (select.selectedIndex < 0 && options.length) select.selectedIndex = 0;
  }

  accountChanged() {
    const accountId = Number(this.field("account_id").value);
    this.picker.suggest(accountId, { transfers: false });
    this.fillAccounts(this.field("transfer_account_id"), accountId, this.txn?.transfer_account_id);
    this.showTransferAmount();
    this.showSplitLeft();
  }

  transferCurrency() {
    return this.account(this.field("transfer_account_id").value)?.currency;
  }

  showTransferAmount() {
    const other = this.transferCurrency();
    const differs = Boolean(other) && other !== this.currency();
    this.form.querySelector("[data-transfer-amount]").classList.toggle("d-none", !differs);
    this.form.querySelector("[data-transfer-currency]").textContent = other ?? "";
  }

  showKind(kind) {
    this.form.querySelectorAll("[data-kind-panel]").forEach((panel) => {
      panel.classList.toggle("d-none", panel.dataset.kindPanel !== kind);
    });
    if (kind === "split" && !this.splits.children.length) {
      // Start from what it was: the whole amount in its category, and a part to fill in.
      this.addSplit({ category: this.field("category").value, amount: this.field("amount").value });
      this.addSplit();
    }
    this.showSplitLeft();
  }

  addSplit({ category = "", amount = "", memo = "" } = {}) {
    const row = document.getElementById("split-row").content.cloneNode(true);
    row.querySelector('[data-split-field="category"]').value = category;
    row.querySelector('[data-split-field="amount"]').value = amount;
    row.querySelector('[data-split-field="memo"]').value = memo;
    this.splits.append(row);
    this.numberSplits();
  }

  /** Name each part's inputs as the API names its fields, so messages land at them. */
  numberSplits() {
    [...this.splits.children].forEach((row, index) => {
      row.querySelector('[data-split-field="category"]').name = `splits.${index}.category_id`;
      row.querySelector('[data-split-field="amount"]').name = `splits.${index}.amount`;
      row.querySelector('[data-split-error="category_id"]').dataset.errorFor = `splits.${index}.category_id`;
      row.querySelector('[data-split-error="amount"]').dataset.errorFor = `splits.${index}.amount`;
    });
  }

  showSplitLeft() {
    const out = this.form.querySelector("[data-split-left]");
    const currency = this.currency();
    // The server's decimals for the currency, as its amounts for this account carry them.
    const digits = decimalsOf(this.account(this.field("account_id").value)?.opening_balance ?? "0.00");
    const total = toMinor(parseMoneyInput(this.field("amount").value), digits);
    let assigned = 0n;
    for (const input of this.splits.querySelectorAll('[data-split-field="amount"]')) {
      assigned += toMinor(parseMoneyInput(input.value), digits) ?? 0n;
    }
    if (total === null) {
      out.textContent = "";
      return;
    }
    const left = total - assigned;
    out.textContent =
      left === 0n ? "All assigned" : `Left to assign: ${formatMoney(fromMinor(left, digits), currency)}`;
    out.className = `small ${left === 0n ? "text-success" : "text-danger"}`;
  }

  async fillCategoryFromPayee() {
    if (this.txn || this.kind() !== "category" || this.field("category").value) return;
    try {
      const last = await lastCategoryOf(this.book, this.field("payee").value);
      if (last?.category_id && !this.field("category").value) {
        this.field("category").value = this.picker.categoryText(last.category_id);
      }
    } catch {
      // Only a suggestion.
    }
  }

  /** The request body, or null after showing what is wrong at the fields. */
  body() {
    const body = {
      account_id: Number(this.field("account_id").value),
      date: this.date.check(),
      amount: parseMoneyInput(this.field("amount").value),
      payee: this.field("payee").value.trim() || null,
      status: this.field("status").value,
      tags: parseTags(this.field("tags").value),
      memo: this.field("memo").value,
      category_id: null,
      splits: null,
      transfer_account_id: null,
    };
    let valid = body.date !== null;
    const kind = this.kind();
    if (kind === "category") {
      try {
        body.category_id = this.picker.resolve(this.field("category").value, {
          transfers: false,
        }).category_id;
      } catch (err) {
        showError(this.form, "category_id", err.message);
        valid = false;
      }
    } else if (kind === "split") {
      body.splits = [...this.splits.children].map((row, index) => {
        const split = {
          amount: parseMoneyInput(row.querySelector('[data-split-field="amount"]').value),
          memo: row.querySelector('[data-split-field="memo"]').value,
          category_id: null,
        };
        try {
          split.category_id = this.picker.resolve(row.querySelector('[data-split-field="category"]').value, {
            transfers: false,
          }).category_id;
        } catch (err) {
          showError(this.form, `splits.${index}.category_id`, err.message);
          valid = false;
        }
        return split;
      });
    } else {
      body.transfer_account_id = Number(this.field("transfer_account_id").value) || null;
      if (!body.transfer_account_id) {
        showError(this.form, "transfer_account_id", "Choose the account the money goes to or comes from.");
        valid = false;
      }
      if (this.transferCurrency() && this.transferCurrency() !== this.currency()) {
        body.transfer_amount = parseMoneyInput(this.field("transfer_amount").value);
      }
    }
    return valid ? body : null;
  }

  async save() {
    clearErrors(this.form);
    const body = this.body();
    const dissolves = this.txn?.transfer_id && !body?.transfer_account_id;
    if (body && dissolves && !window.confirm(DISSOLVE)) return;
    if (!body) {
      this.form.querySelector(".is-invalid, .invalid-feedback.d-block")?.focus();
      return;
    }
    const button = this.form.querySelector('[type="submit"]');
    button.disabled = true;
    const sent = withFarDate(this.form, body);
    try {
      if (this.txn) {
        const path = this.book.path(`/transactions/${this.txn.id}`);
        const headers = { "If-Match": this.txn.etag };
        const saved = await sendUnlockingIfAsked((unlock) =>
          api("PATCH", path, { ...sent, unlock_reconciled: unlock }, { headers }),
        );
        if (!saved) return;
      } else {
        await api("POST", this.book.path("/transactions"), sent, {
          headers: { "Idempotency-Key": this.idempotencyKey },
        });
      }
      this.modal.hide();
      await this.onSaved();
    } catch (err) {
      this.refused(err);
    } finally {
      button.disabled = false;
    }
  }

  async delete() {
    const what = this.txn.transfer_id ? "this transfer (both sides)" : "this transaction";
    if (!window.confirm(`Delete ${what}?`)) return;
    try {
      const path = this.book.path(`/transactions/${this.txn.id}`);
      const sent = await sendUnlockingIfAsked(
        (unlock) =>
          api("DELETE", `${path}?unlock_reconciled=${unlock}`, undefined, {
            headers: { "If-Match": this.txn.etag },
          }),
        "Delete it anyway?",
      );
      if (!sent) return;
      this.modal.hide();
      await this.onSaved();
    } catch (err) {
      this.refused(err);
    }
  }

  /** Show why a write was refused; after a stale one, the list behind shows what is there now. */
  refused(err) {
    showProblem(this.form, err);
    if (err.status === 412) Promise.resolve(this.onSaved()).catch(() => {}); // the message stays
  }
}
