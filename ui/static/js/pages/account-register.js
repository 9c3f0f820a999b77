// An account's register: newest first with the running balance; rows are added and changed in
// place (Enter saves, Esc cancels, Tab moves on), and the dialog takes splits and transfers.
// Rows dated after today come first, set apart under "Upcoming": the balance is as of today.

import { api, newIdempotencyKey } from "../api.js";
import { accountSettings } from "../components/account-settings.js";
import { DateField } from "../components/date-field.js";
import { CategoryPicker, lastCategoryOf, suggestPayees } from "../components/pickers.js";
import { Reconciler } from "../components/reconcile.js";
import { sendUnlockingIfAsked } from "../components/reconciled-lock.js";
import { tagChips } from "../components/tag-chips.js";
import { DISSOLVE, TransactionDialog } from "../components/transaction-dialog.js";
import { statusCell } from "../components/transaction-rows.js";
import { formatDate, today } from "../dates.js";
import { redrawKeepingFocus } from "../focus.js";
import { clearErrors, showError, showProblem, withFarDate } from "../forms.js";
import { addRowNavigation, addShortcut } from "../keyboard.js";
import {
  bookOf,
  clearPageError,
  hideWritersControls,
  loadAccounts,
  loadCategories,
  showPageError,
} from "../ledger.js";
import { formatMoney, formatMoneyInput, isNegative, parseMoneyInput } from "../money.js";

const PAGE = 100;
const root = document.getElementById("register-page");
const book = bookOf(root);
const accountId = Number(root.dataset.accountId);
const currency = root.dataset.accountCurrency;
const rows = root.querySelector("[data-rows]");
const moreButton = root.querySelector("[data-more]");
hideWritersControls(root, book);

let picker = null;
let dialog = null;
let reconciler = null;
let shown = []; // the transactions on screen, newest first
let cursor = null;
let editor = null; // the open inline editor, if any
let loading = false; // rows are being fetched again: they are about to be replaced
let asOf = root.dataset.asOf; // today where the server runs: rows dated after it are upcoming

function negate(amount) {
  return isNegative(amount) ? amount.slice(1) : `-${amount}`;
}

function renderRow(txn) {
  const row = document.getElementById("register-row").content.firstElementChild.cloneNode(true);
  row.dataset.txnId = txn.id;
  const field = (name) => row.querySelector(`[data-field="${name}"]`);
  field("date").textContent = formatDate(txn.date);
  field("payee").textContent = txn.payee ?? "";
  field("payee").after(...tagChips(txn.tags));
  field("category").textContent = picker.describe(txn);
  field("memo").textContent = txn.memo;
  field("memo").title = txn.memo;
  const out = isNegative(txn.amount);
  field(out ? "out" : "in").textContent = formatMoney(out ? negate(txn.amount) : txn.amount, currency);
  const status = statusCell(txn.status);
  if (book.canWrite && txn.status !== "reconciled") {
    // A button, so the keyboard can clear it too.
    const toggle = document.createElement("button");
    toggle.type = "button";
    toggle.className = "btn btn-link p-0 border-0";
    toggle.setAttribute(
      "aria-label",
      `${status.title}: press to ${txn.status === "cleared" ? "unclear" : "clear"}`,
    );
    toggle.append(status);
    field("status").replaceChildren(toggle);
  } else {
    field("status").replaceChildren(status);
  }
  const balance = field("balance");
  balance.textContent = txn.running_balance === null ? "" : formatMoney(txn.running_balance, currency);
  balance.classList.toggle("text-danger", isNegative(txn.running_balance));
  if (book.canWrite) {
    row.classList.add("editable");
    row.title = "Click or press Enter to change";
  }
  return row;
}

function aheadLine(text) {
  const line = document.getElementById("register-ahead").content.firstElementChild.cloneNode(true);
  line.firstElementChild.textContent = text;
  return line;
}

/** The rows of `items` (newest first) with a line over those dated ahead and one where today
 * begins; `above` is the transaction shown just above them, if any. */
function rowsOf(items, above = null) {
  const out = [];
  let previous = above;
  for (const txn of items) {
    if (txn.date > asOf && !previous) out.push(aheadLine(`Upcoming · dated after ${formatDate(asOf)}`));
    if (txn.date <= asOf && previous?.date > asOf)
      out.push(aheadLine(`Today, ${formatDate(asOf)}, and before`));
    out.push(renderRow(txn));
    previous = txn;
  }
  return out;
}

function render() {
  redrawKeepingFocus(rows, () => rows.replaceChildren(...rowsOf(shown)));
  rows.setAttribute("aria-busy", "false");
  root.querySelector("[data-empty]").classList.toggle("d-none", shown.length > 0);
  moreButton.classList.toggle("d-none", !cursor);
}

async function showBalances() {
  const account = await api("GET", book.path(`/accounts/${accountId}`));
  if (account.as_of !== asOf) {
    asOf = account.as_of; // the day turned while the page was open
    render();
  }
  root.querySelector("[data-projected]").classList.toggle("d-none", account.upcoming_count === 0);
  root.querySelector("[data-upcoming-count]").textContent =
    `(${account.upcoming_count} upcoming ${account.upcoming_count === 1 ? "transaction" : "transactions"})`;
  for (const el of root.querySelectorAll("[data-balance]")) {
    const amount = account[el.dataset.balance];
    el.textContent = formatMoney(amount, currency);
    el.classList.toggle("text-danger", isNegative(amount));
  }
  root.querySelector("[data-account-name]").textContent = account.name;
  root.querySelector("[data-archived-badge]").classList.toggle("d-none", !account.archived);
}

async function fetchPage(limit, after = null) {
  const query = new URLSearchParams({ account_id: String(accountId), limit: String(limit) });
  if (after) query.set("cursor", after);
  return api("GET", book.path(`/transactions?${query}`));
}

/** Load the newest rows again (as many as were shown), after something changed. */
async function reload() {
  loading = true;
  try {
    const page = await fetchPage(Math.min(500, Math.max(PAGE, shown.length)));
    shown = page.items;
    cursor = page.next_cursor;
    editor = null;
    render();
    await showBalances();
    await reconciler.refresh(); // its figures follow the rows
  } finally {
    loading = false;
  }
}

moreButton.addEventListener("click", async () => {
  moreButton.disabled = true;
  try {
    const page = await fetchPage(PAGE, cursor);
    rows.append(...rowsOf(page.items, shown.at(-1)));
    shown = shown.concat(page.items);
    cursor = page.next_cursor;
    moreButton.classList.toggle("d-none", !cursor);
  } catch (err) {
    showPageError(root, err);
  } finally {
    moreButton.disabled = false;
  }
});

// ---- the inline editor ----------------------------------------------------------------------

class RowEditor {
  /** Edit `txn` in place of its row, or a new transaction at the top when `txn` is null. */
  constructor(txn, { date = today() } = {}) {
    this.txn = txn;
    this.idempotencyKey = txn ? null : newIdempotencyKey();
    this.error = null;
    const fragment = document.getElementById("register-editor").content.cloneNode(true);
    this.rows = [...fragment.children];
    this.original = txn
      ? this.valuesOf(txn)
      : { date, payee: "", category: "", memo: "", out: "", in: "", status: "uncleared" };
    for (const [name, value] of Object.entries(this.original)) this.input(name, fragment).value = value;
    this.date = DateField.of(this.input("date", fragment));
    this.date.set(this.original.date);
    if (txn?.splits.length) {
      this.input("category", fragment).disabled = true;
      fragment.querySelector("[data-split-note]").classList.remove("d-none");
    }
    const row = txn && rows.querySelector(`[data-txn-id="${txn.id}"]`);
    if (row) row.replaceWith(fragment);
    else rows.prepend(fragment);
    this.bind();
    picker.suggest(accountId);
    this.input("date").focus();
  }

  input(name, scope = this.rows[0]) {
    return scope.querySelector(`[name="${name}"]`);
  }

  valuesOf(txn) {
    const out = isNegative(txn.amount);
    return {
      date: txn.date,
      payee: txn.payee ?? "",
      category: picker.describe(txn),
      memo: txn.memo,
      out: out ? formatMoneyInput(negate(txn.amount), currency) : "",
      in: out ? "" : formatMoneyInput(txn.amount, currency),
      status: txn.status,
    };
  }

  /** What is typed, the date as "YYYY-MM-DD" (as typed while it does not read as a day). */
  values() {
    const typed = Object.fromEntries(
      Object.keys(this.original).map((name) => [name, this.input(name).value]),
    );
    return { ...typed, date: this.date.iso ?? typed.date };
  }

  changed() {
    const now = this.values();
    return Object.keys(now).some((name) => now[name] !== this.original[name]);
  }

  bind() {
    const [row] = this.rows;
    row.addEventListener("keydown", (event) => {
      if (this.saving) {
        if (event.key === "Enter" || event.key === "Escape") event.preventDefault();
      } else if (event.key === "Enter" && !event.isComposing && event.target.tagName !== "BUTTON") {
        event.preventDefault();
        this.save();
      } else if (event.key === "Escape") {
        event.preventDefault();
        this.cancel();
      }
    });
    row.querySelector("[data-save]").addEventListener("click", () => this.save());
    row.querySelector("[data-cancel]").addEventListener("click", () => this.cancel());
    row.querySelector("[data-more-options]").addEventListener("click", () => this.openDialog());
    suggestPayees(this.input("payee"), book);
    this.input("payee").addEventListener("change", () => this.fillCategory());
    // One of out and in: typing in one empties the other.
    this.input("out").addEventListener("input", () => {
      if (this.input("out").value) this.input("in").value = "";
    });
    this.input("in").addEventListener("input", () => {
      if (this.input("in").value) this.input("out").value = "";
    });
  }

  async fillCategory() {
    if (this.txn || this.input("category").value) return;
    try {
      const last = await lastCategoryOf(book, this.input("payee").value, accountId);
      if (last && !this.input("category").value) {
        this.input("category").value = picker.describe({ splits: [], ...last });
      }
    } catch {
      // Only a suggestion.
    }
  }

  /** The API body for what was typed (only what changed, for an edit), or null if invalid. */
  body() {
    const values = this.values();
    const date = this.date.check();
    const body = {
      date,
      payee: values.payee.trim() || null,
      memo: values.memo,
      status: values.status,
    };
    const out = parseMoneyInput(values.out);
    const inflow = parseMoneyInput(values.in);
    body.amount = inflow || (out ? negate(out) : "");
    if (!this.txn?.splits.length) {
      try {
        const target = picker.resolve(values.category);
        body.category_id = target.category_id ?? null;
        body.transfer_account_id = target.transfer_account_id ?? null;
      } catch (err) {
        showError(rows, "category_id", err.message);
        return null;
      }
    }
    if (!date) return null;
    if (!this.txn) return { account_id: accountId, ...body };
    const original = this.original;
    if (values.date === original.date) delete body.date;
    if (values.payee === original.payee) delete body.payee;
    if (values.memo === original.memo) delete body.memo;
    if (values.status === original.status) delete body.status;
    if (values.out === original.out && values.in === original.in) delete body.amount;
    if (values.category === original.category) {
      delete body.category_id;
      delete body.transfer_account_id;
    }
    return body;
  }

  async save() {
    if (this.saving) return;
    clearErrors(rows);
    if (this.txn && !this.changed()) {
      this.cancel();
      return;
    }
    const typed = this.body();
    if (!typed) return;
    const body = withFarDate(rows, typed);
    if (this.txn?.transfer_id && body.transfer_account_id === null && !window.confirm(DISSOLVE)) return;
    this.saving = true;
    const buttons = this.rows[0].querySelectorAll("button");
    for (const b of buttons) b.disabled = true;
    try {
      if (this.txn) {
        const sent = await sendUnlockingIfAsked((unlock) =>
          api(
            "PATCH",
            book.path(`/transactions/${this.txn.id}`),
            { ...body, unlock_reconciled: unlock },
            {
              headers: { "If-Match": this.txn.etag },
            },
          ),
        );
        if (!sent) {
          for (const b of buttons) b.disabled = false;
          return;
        }
      } else {
        await api("POST", book.path("/transactions"), body, {
          headers: { "Idempotency-Key": this.idempotencyKey },
        });
      }
      await reload();
      // Entering a pile of receipts: the next new row is ready, on the same date.
      if (!this.txn) editor = new RowEditor(null, { date: body.date });
      else this.focusRow();
    } catch (err) {
      this.error = err;
      showProblem(rows, err);
      for (const b of buttons) b.disabled = false;
    } finally {
      this.saving = false;
    }
  }

  cancel() {
    editor = null;
    clearPageError(root);
    // After a refused write (someone else changed it) show what is there now.
    const action = this.error?.status === 412 ? reload() : Promise.resolve(render());
    action.then(() => this.focusRow()).catch((err) => showPageError(root, err));
  }

  /** Keyboard users stay where they were: on the row just edited (or at "Add transaction"). */
  focusRow() {
    if (this.txn) rows.querySelector(`[data-txn-id="${this.txn.id}"]`)?.focus();
    else root.querySelector("[data-add-row]").focus();
  }

  openDialog() {
    const values = this.values();
    const preset = {
      account_id: accountId,
      ...(this.date.iso && { date: this.date.iso }),
      payee: values.payee,
      memo: values.memo,
      status: values.status,
    };
    const out = parseMoneyInput(values.out);
    preset.amount = parseMoneyInput(values.in) || (out ? negate(out) : "");
    if (!this.txn?.splits.length) {
      try {
        Object.assign(
          preset,
          { category_id: null, transfer_account_id: null },
          picker.resolve(values.category),
        );
      } catch {
        // The dialog shows the category as it was.
      }
    }
    editor = null;
    render();
    this.focusRow(); // where the focus returns when the dialog closes
    dialog.open(this.txn, preset);
  }
}

function startEditing(txn) {
  if (!book.canWrite || loading) return;
  if (editor) {
    if (editor.changed()) {
      editor.input("date").focus();
      return;
    }
    editor.cancel();
  }
  editor = new RowEditor(txn);
}

/** Clear an uncleared transaction, or unclear a cleared one (reconciled ones stay). */
async function toggleCleared(txn) {
  if (txn.status === "reconciled" || loading) return;
  try {
    await api(
      "PATCH",
      book.path(`/transactions/${txn.id}`),
      { status: txn.status === "cleared" ? "uncleared" : "cleared" },
      {
        headers: { "If-Match": txn.etag },
      },
    );
    await reload();
  } catch (err) {
    showPageError(root, err);
  }
}

rows.addEventListener("click", (event) => {
  const row = event.target.closest("[data-txn]");
  if (!row) return;
  const txn = shown.find((t) => t.id === Number(row.dataset.txnId));
  if (book.canWrite && !editor && event.target.closest('[data-field="status"]')) toggleCleared(txn);
  else startEditing(txn);
});
rows.addEventListener("keydown", (event) => {
  const row = event.target.closest("[data-txn]");
  if (row && event.key === "Enter" && event.target === row) {
    event.preventDefault();
    startEditing(shown.find((t) => t.id === Number(row.dataset.txnId)));
  }
});
rows.addEventListener("far-date-confirmed", () => editor?.save()); // "Yes, that date"
root.querySelector("[data-add-row]").addEventListener("click", () => startEditing(null));
if (book.canWrite) addShortcut("n", "New transaction", () => startEditing(null));
addRowNavigation(rows, "[data-txn]", book.canWrite && "Change the row");
root
  .querySelector("[data-open-dialog]")
  .addEventListener("click", () => dialog.open(null, { account_id: accountId }));
const openAccountSettings = accountSettings(book, accountId, () => reload());
root
  .querySelector("[data-account-settings]")
  .addEventListener("click", () => openAccountSettings().catch((err) => showPageError(root, err)));

async function start() {
  const [accounts, categories] = await Promise.all([loadAccounts(book), loadCategories(book)]);
  picker = new CategoryPicker(categories, accounts);
  dialog = new TransactionDialog(book, picker, reload);
  reconciler = new Reconciler(book, root, accountId, currency, () => reload());
  await reload();
}

start().catch((err) => {
  rows.setAttribute("aria-busy", "false");
  showPageError(root, err);
});
