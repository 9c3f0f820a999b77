// A book's accounts, grouped by type with each group's total and the net worth (per currency,
// never added across currencies; every account's, archived ones too, as the reports and the
// Overview count it); archived ones on request; a form adds an account. Balances are as of
// today; what the rows dated after today will make of them shows apart ("projected").
import { api } from "../api.js";
import { today } from "../dates.js";
import { bindForm, withFarDate } from "../forms.js";
import { ACCOUNT_TYPE_NAMES, bookOf, hideWritersControls, loadAccounts, showPageError } from "../ledger.js";
import { formatMoney, formatTotals, isNegative, parseMoneyInput, totals } from "../money.js";

const root = document.getElementById("accounts-page");
const book = bookOf(root);
const groups = document.getElementById("account-groups");
const showArchived = document.getElementById("show-archived");
hideWritersControls(root, book);

function accountRow(account) {
  const row = document.getElementById("account-row").content.cloneNode(true);
  const tr = row.querySelector("[data-account]");
  tr.dataset.accountId = account.id;
  const name = row.querySelector('[data-field="name"]');
  name.textContent = account.name;
  name.href = `/books/${book.id}/accounts/${account.id}`;
  row.querySelector('[data-field="archived"]').classList.toggle("d-none", !account.archived);
  if (account.currency !== book.currency) {
    row.querySelector('[data-field="currency"]').textContent = account.currency;
  }
  row.querySelector('[data-field="cleared"]').textContent = formatMoney(
    account.cleared_balance,
    account.currency,
  );
  const balance = row.querySelector('[data-field="balance"]');
  balance.textContent = formatMoney(account.balance, account.currency);
  balance.classList.toggle("text-danger", isNegative(account.balance));
  const ahead = account.balance_projected !== account.balance;
  row.querySelector('[data-field="upcoming"]').classList.toggle("d-none", !ahead);
  row.querySelector('[data-field="projected"]').textContent = formatMoney(
    account.balance_projected,
    account.currency,
  );
  return row;
}

function accountGroup(type, accounts) {
  const section = document.getElementById("account-group").content.cloneNode(true);
  section.querySelector("[data-account-group]").dataset.type = type;
  section.querySelector('[data-field="type"]').textContent = ACCOUNT_TYPE_NAMES[type] || type;
  const live = accounts.filter((a) => !a.archived);
  section.querySelector('[data-field="total"]').textContent = formatTotals(
    totals(live.map((a) => ({ amount: a.balance, currency: a.currency }))),
  );
  section.querySelector("tbody").append(...accounts.map(accountRow));
  return section;
}

async function render() {
  const accounts = await loadAccounts(book);
  const live = accounts.filter((a) => !a.archived);
  const sum = (field) => totals(accounts.map((a) => ({ amount: a[field], currency: a.currency })));
  const today = formatTotals(sum("balance"), formatMoney("0", book.currency));
  const projected = formatTotals(sum("balance_projected"), formatMoney("0", book.currency));
  root.querySelector("[data-net-worth]").textContent = today;
  const ahead = root.querySelector("[data-projected-worth]");
  ahead.classList.toggle("d-none", projected === today);
  ahead.querySelector('[data-field="projected"]').textContent = projected;
  const shown = showArchived.checked ? accounts : live;
  const sections = Object.keys(ACCOUNT_TYPE_NAMES)
    .map((type) => [type, shown.filter((a) => a.type === type)])
    .filter(([, list]) => list.length)
    .map(([type, list]) => accountGroup(type, list));
  groups.replaceChildren(...sections);
  groups.setAttribute("aria-busy", "false");
  root.querySelector("[data-empty]").classList.toggle("d-none", accounts.length > 0);
}

function refresh() {
  render().catch((err) => {
    groups.replaceChildren();
    showPageError(root, err);
  });
}

showArchived.addEventListener("change", refresh);

const form = document.getElementById("account-form");
document.getElementById("account-opening-date").value = today();
bindForm(form, async (values) => {
  const body = {
    name: values.name,
    type: values.type,
    currency: values.currency.trim().toUpperCase(),
    opening_balance: parseMoneyInput(values.opening_balance) || "0",
  };
  if (values.opening_date) body.opening_date = values.opening_date;
  await api("POST", book.path("/accounts"), withFarDate(form, body));
  form.reset();
  document.getElementById("account-opening-date").value = today();
  await render();
});

refresh();
// Sent here to add an account (an empty book's first step, an import without one): the form is open.
if (window.location.hash === "#new-account" && book.canWrite) {
  const newAccount = document.getElementById("new-account");
  newAccount.addEventListener("shown.bs.collapse", () => document.getElementById("account-name").focus());
  window.bootstrap.Collapse.getOrCreateInstance(newAccount).show();
}
