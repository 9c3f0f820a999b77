// All of a book's transactions: filters and search (kept in the address, so a reload or a
// bookmark shows the same list), a row opens the dialog, and selected rows change together.
import { api } from "../api.js";
import { CategoryPicker, suggestPayees } from "../components/pickers.js";
import { sendUnlockingIfAsked } from "../components/reconciled-lock.js";
import { tagChips } from "../components/tag-chips.js";
import { TransactionDialog } from "../components/transaction-dialog.js";
import { statusCell } from "../components/transaction-rows.js";
import { formatDate } from "../dates.js";
import { redrawKeepingFocus } from "../focus.js";
import { clearErrors, formValues, showError, showProblem } from "../forms.js";
import { addRowNavigation, addShortcut } from "../keyboard.js";
import {
  accountOptions,
  bookOf,
  categoryOptgroups,
  clearPageError,
  hideWritersControls,
  loadAccounts,
  loadCategories,
  parseTags,
  showPageError,
} from "../ledger.js";
import { formatMoney, isNegative, parseMoneyInput } from "../money.js";

const PAGE = 100;
const FILTERS = [
  "q",
  "account_id",
  "category",
  "payee",
  "tag",
  "status",
  "date_from",
  "date_to",
  "amount_min",
  "amount_max",
];
const root = document.getElementById("transactions-page");
const book = bookOf(root);
const rows = root.querySelector("[data-rows]");
const filterForm = document.getElementById("filter-form");
const bulkForm = document.getElementById("bulk-form");
const selectAll = root.querySelector("[data-select-all]");
const moreButton = root.querySelector("[data-more]");
hideWritersControls(root, book);

let picker = null;
let dialog = null;
let shown = [];
let cursor = null;
let generation = 0; // counts the loads: only the latest may fill the list
const selected = new Set();

// ---- filters --------------------------------------------------------------------------------

/** The filters in the page's address, as the form's field names. */
function filtersFromAddress() {
  const params = new URLSearchParams(window.location.search);
  return Object.fromEntries(
    FILTERS.filter((name) => params.get(name)).map((name) => [name, params.get(name)]),
  );
}

function showFilters(filters) {
  for (const name of FILTERS) filterForm.elements.namedItem(name).value = filters[name] ?? "";
}

/** The API's query for the filters (category "uncategorized" is its own switch). */
function apiQuery(filters) {
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(filters)) {
    if (name === "category") {
      if (value === "uncategorized") query.set("uncategorized", "true");
      else query.set("category_id", value);
    } else if (name === "amount_min" || name === "amount_max") {
      query.set(name, parseMoneyInput(value));
    } else {
      query.set(name, value);
    }
  }
  return query;
}

function currentFilters() {
  return Object.fromEntries(
    Object.entries(formValues(filterForm)).filter(([name, value]) => FILTERS.includes(name) && value.trim()),
  );
}

// ---- the list -------------------------------------------------------------------------------

function renderRow(txn) {
  const row = document.getElementById("transaction-row").content.firstElementChild.cloneNode(true);
  row.dataset.txnId = txn.id;
  const field = (name) => row.querySelector(`[data-field="${name}"]`);
  const account = picker.accounts.get(txn.account_id);
  field("date").textContent = formatDate(txn.date);
  field("account").textContent = account ? account.name : "";
  field("payee").textContent = txn.payee ?? "";
  field("payee").after(...tagChips(txn.tags));
  field("category").textContent = picker.describe(txn);
  field("memo").textContent = txn.memo;
  field("memo").title = txn.memo;
  field("amount").textContent = formatMoney(txn.amount, txn.currency);
  field("amount").classList.toggle("text-success", !isNegative(txn.amount));
  field("status").replaceChildren(statusCell(txn.status));
  const check = row.querySelector("[data-select]");
  if (book.canWrite) {
    check.checked = selected.has(txn.id);
    check.setAttribute("aria-label", `Select ${txn.payee ?? "transaction"} on ${formatDate(txn.date)}`);
    row.classList.add("editable");
  } else {
    row.querySelector("[data-writer]").remove();
  }
  return row;
}

async function fetchPage(after = null) {
  const query = apiQuery(filtersFromAddress());
  query.set("limit", String(PAGE));
  if (after) query.set("cursor", after);
  return api("GET", book.path(`/transactions?${query}`));
}

async function load() {
  const mine = ++generation;
  const query = apiQuery(filtersFromAddress()).toString();
  root.querySelector("[data-export]").href =
    `/api/v1${book.path("/transactions.csv")}${query ? `?${query}` : ""}`;
  // The same rows for a spreadsheet in the browser's language (German Excel: "1,50;31.01.2026").
  const local = apiQuery(filtersFromAddress());
  local.set("locale", navigator.language);
  root.querySelector("[data-export-local]").href = `/api/v1${book.path("/transactions.csv")}?${local}`;
  root.querySelector("[data-export-locale]").textContent = navigator.language;
  rows.setAttribute("aria-busy", "true");
  const page = await fetchPage();
  if (mine !== generation) return; // a later filter asked again: its answer wins
  shown = page.items;
  cursor = page.next_cursor;
  selected.clear();
  redrawKeepingFocus(rows, () => rows.replaceChildren(...shown.map(renderRow)));
  rows.setAttribute("aria-busy", "false");
  root.querySelector("[data-empty]").classList.toggle("d-none", shown.length > 0);
  moreButton.classList.toggle("d-none", !cursor);
  showSelection();
}

function reload() {
  clearPageError(root);
  return load().catch((err) => {
    if (err.errors?.length) showProblem(filterForm, err);
    else showPageError(root, err);
    rows.replaceChildren();
    rows.setAttribute("aria-busy", "false");
  });
}

moreButton.addEventListener("click", async () => {
  moreButton.disabled = true;
  const mine = generation;
  try {
    const page = await fetchPage(cursor);
    if (mine !== generation) return; // the filters changed meanwhile
    shown = shown.concat(page.items);
    cursor = page.next_cursor;
    rows.append(...page.items.map(renderRow));
    moreButton.classList.toggle("d-none", !cursor);
    showSelection();
  } catch (err) {
    showPageError(root, err);
  } finally {
    moreButton.disabled = false;
  }
});

filterForm.addEventListener("submit", (event) => {
  event.preventDefault();
  clearErrors(filterForm);
  const query = new URLSearchParams(currentFilters()).toString();
  window.history.replaceState(null, "", query ? `?${query}` : window.location.pathname);
  reload();
});
// Choices apply at once; typed filters apply on Enter (the form's submit).
for (const input of filterForm.querySelectorAll("select, input[type=date]")) {
  input.addEventListener("change", () => filterForm.requestSubmit());
}
root.querySelector("[data-clear-filters]").addEventListener("click", () => {
  showFilters({});
  filterForm.requestSubmit();
});

// ---- selecting and changing many ------------------------------------------------------------

function showSelection() {
  bulkForm.classList.toggle("d-none", !book.canWrite || selected.size === 0);
  bulkForm.querySelector("[data-selected-count]").textContent =
    selected.size === 1 ? "1 selected" : `${selected.size} selected`;
  const boxes = rows.querySelectorAll("[data-select]");
  selectAll.checked = boxes.length > 0 && selected.size === boxes.length;
  selectAll.indeterminate = selected.size > 0 && selected.size < boxes.length;
}

rows.addEventListener("change", (event) => {
  const box = event.target.closest("[data-select]");
  if (!box) return;
  const id = Number(box.closest("[data-txn]").dataset.txnId);
  if (box.checked) selected.add(id);
  else selected.delete(id);
  showSelection();
});

selectAll.addEventListener("change", () => {
  rows.querySelectorAll("[data-select]").forEach((box) => {
    box.checked = selectAll.checked;
    const id = Number(box.closest("[data-txn]").dataset.txnId);
    if (selectAll.checked) selected.add(id);
    else selected.delete(id);
  });
  showSelection();
});

function chosenText(name) {
  return bulkForm.elements.namedItem(name).selectedOptions[0]?.textContent.trim() ?? "";
}

function inWords(list) {
  return list.length < 2 ? list.join("") : `${list.slice(0, -1).join(", ")} and ${list.at(-1)}`;
}

// Each bulk change: its body, or the problem with what was chosen; and, from the answer's
// count, the words that say what it did.
const BULK = {
  categorize(values) {
    if (!values.category_id) return [null, ["category_id", "Choose the category."]];
    if (values.category_id === "none") {
      return [{ category_id: null }, (n) => `Uncategorized ${transactions(n)}.`];
    }
    const category = chosenText("category_id");
    return [
      { category_id: Number(values.category_id) },
      (n) => `Categorized ${transactions(n)} as ${category}.`,
    ];
  },
  status(values) {
    if (!values.status) return [null, ["status", "Choose the status."]];
    const status = chosenText("status").toLowerCase();
    return [{ status: values.status }, (n) => `Marked ${transactions(n)} ${status}.`];
  },
  tag(values) {
    const tags = parseTags(values.add_tags);
    if (!tags.length) return [null, ["add_tags", "Type the tags to add."]];
    return [{ add_tags: tags }, (n) => `Tagged ${transactions(n)} with ${inWords(tags)}.`];
  },
};

function transactions(count) {
  return count === 1 ? "1 transaction" : `${count} transactions`;
}

bulkForm.addEventListener("click", async (event) => {
  const button = event.target.closest("[data-bulk]");
  if (!button) return;
  clearErrors(bulkForm);
  const ids = [...selected];
  const action = button.dataset.bulk;
  let path = "/transactions/bulk-update";
  let body;
  let words;
  if (action === "delete") {
    const what = ids.length === 1 ? "this transaction" : `these ${ids.length} transactions`;
    if (!window.confirm(`Delete ${what}? Transfers go with their other side.`)) return;
    path = "/transactions/bulk-delete";
    body = { ids };
    words = (n) => `Deleted ${transactions(n)}.`;
  } else {
    const [change, said] = BULK[action](formValues(bulkForm));
    if (!change) {
      showError(bulkForm, ...said);
      return;
    }
    body = { ids, ...change };
    words = said;
  }
  button.disabled = true;
  try {
    const doing = action === "delete" ? "Delete it anyway?" : "Change it anyway?";
    const sent = await sendUnlockingIfAsked(
      (unlock) =>
        api(
          "POST",
          book.path(path),
          { ...body, unlock_reconciled: unlock },
          { saying: (answer) => words(answer.count) },
        ),
      doing,
    );
    if (!sent) return;
    bulkForm.reset();
    await load();
  } catch (err) {
    showProblem(bulkForm, err);
  } finally {
    button.disabled = false;
  }
});

// ---- opening one ----------------------------------------------------------------------------

function openRow(row) {
  if (!book.canWrite) return;
  const txn = shown.find((t) => t.id === Number(row.dataset.txnId));
  if (txn) dialog.open(txn);
}

rows.addEventListener("click", (event) => {
  const row = event.target.closest("[data-txn]");
  if (row && !event.target.closest("[data-writer]")) openRow(row);
});
rows.addEventListener("keydown", (event) => {
  const row = event.target.closest("[data-txn]");
  if (row && event.target === row && event.key === "Enter") {
    event.preventDefault();
    openRow(row);
  }
});
const newButton = root.querySelector("[data-new-transaction]");
newButton.addEventListener("click", () => {
  const accountId = filtersFromAddress().account_id;
  dialog.open(null, accountId ? { account_id: Number(accountId) } : {});
});
if (book.canWrite) addShortcut("n", "New transaction", () => newButton.click());
addRowNavigation(rows, "[data-txn]", book.canWrite && "Open the row");

// ---- start ----------------------------------------------------------------------------------

function fillChoices(accounts, categories) {
  filterForm.elements.namedItem("account_id").append(...accountOptions(accounts));
  for (const select of root.querySelectorAll("[data-category-select]")) {
    // Archived categories only to find what was filed under them, not to file more.
    select.append(...categoryOptgroups(categories, (c) => !c.archived || select.name === "category"));
  }
}

async function start() {
  const [accounts, categories] = await Promise.all([loadAccounts(book), loadCategories(book)]);
  picker = new CategoryPicker(categories, accounts);
  dialog = new TransactionDialog(book, picker, load);
  fillChoices(accounts, categories);
  suggestPayees(filterForm.elements.namedItem("payee"), book);
  showFilters(filtersFromAddress());
  await reload();
}

start().catch((err) => {
  rows.setAttribute("aria-busy", "false");
  showPageError(root, err);
});
