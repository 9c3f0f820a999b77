// A book's rules: make and change them, put them in order, and run them on the transactions
// already there after seeing what they would change.
import { api } from "../api.js";
import { formatDate } from "../dates.js";
import { cell, fieldsOf } from "../dom.js";
import { redrawKeepingFocus } from "../focus.js";
import { bindForm, clearErrors, optionalText } from "../forms.js";
import {
  bookOf,
  categoryLabel,
  clearPageError,
  hideWritersControls,
  loadAccounts,
  loadCategories,
  parseTags,
  showPageError,
} from "../ledger.js";
import { formatMoney, parseMoneyInput } from "../money.js";

const root = document.getElementById("rules-page");
const book = bookOf(root);
const list = document.getElementById("rules");
const form = document.getElementById("rule-form");
const run = document.getElementById("rule-run");
const field = fieldsOf(form);
hideWritersControls(root, book);

const MATCH_WORDS = { contains: "contains", equals: "is", regex: "matches" };
let rules = [];
let accounts = new Map();
let categories = new Map();
let editing = null; // the rule the form changes; null for a new one

function categoryText(id) {
  const category = categories.get(id);
  return category ? categoryLabel(category) : "(a deleted category)";
}

function describeWhen(rule) {
  const parts = [];
  if (rule.payee_match) parts.push(`payee ${MATCH_WORDS[rule.payee_match]} “${rule.payee_text}”`);
  if (rule.amount_min !== null && rule.amount_max !== null) {
    parts.push(`amount from ${rule.amount_min} to ${rule.amount_max}`);
  } else if (rule.amount_min !== null) parts.push(`amount at least ${rule.amount_min}`);
  else if (rule.amount_max !== null) parts.push(`amount at most ${rule.amount_max}`);
  if (rule.account_id !== null) {
    parts.push(`in ${accounts.get(rule.account_id)?.name ?? `account ${rule.account_id}`}`);
  }
  return parts.join(", ");
}

function describeThen(rule) {
  const parts = [];
  if (rule.set_payee) parts.push(`rename the payee to “${rule.set_payee}”`);
  if (rule.set_category_id !== null) parts.push(`categorize as ${categoryText(rule.set_category_id)}`);
  if (rule.add_tags.length) parts.push(`tag ${rule.add_tags.join(", ")}`);
  return parts.join("; ") || "nothing (its category was deleted)";
}

function ruleRow(rule, index) {
  const row = document.getElementById("rule-row").content.firstElementChild.cloneNode(true);
  row.dataset.ruleId = rule.id;
  row.querySelector("[data-name]").textContent = rule.name;
  row.querySelector("[data-disabled]").classList.toggle("d-none", rule.enabled);
  row.querySelector("[data-when]").textContent = describeWhen(rule);
  row.querySelector("[data-then]").textContent = describeThen(rule);
  row.querySelector('[data-action="up"]').disabled = index === 0;
  row.querySelector('[data-action="down"]').disabled = index === rules.length - 1;
  const actions = {
    up: () => move(index, -1),
    down: () => move(index, 1),
    edit: () => openForm(rule),
    delete: async () => {
      if (!window.confirm(`Delete the rule “${rule.name}”? What it changed stays as it is.`)) return;
      await api("DELETE", book.path(`/rules/${rule.id}`), undefined, {
        headers: { "If-Match": rule.etag },
      });
      await refresh();
    },
  };
  row.addEventListener("click", async (event) => {
    const button = event.target.closest("[data-action]");
    if (!button) return;
    clearPageError(root);
    try {
      await actions[button.dataset.action]();
    } catch (err) {
      showPageError(root, err);
      await refresh();
    }
  });
  return row;
}

/** Swap a rule with its neighbour; the server takes the whole new order at once. */
async function move(index, step) {
  const order = rules.map((rule) => rule.id);
  [order[index], order[index + step]] = [order[index + step], order[index]];
  await api("PUT", book.path("/rules/order"), { rule_ids: order });
  await refresh();
}

async function refresh() {
  list.setAttribute("aria-busy", "true");
  rules = (await api("GET", book.path("/rules"))).items;
  redrawKeepingFocus(list, () => list.replaceChildren(...rules.map(ruleRow)));
  document.getElementById("no-rules").classList.toggle("d-none", rules.length > 0);
  list.setAttribute("aria-busy", "false");
}

function fillChoices() {
  field("account_id").replaceChildren(
    new Option("any account", ""),
    ...[...accounts.values()].map((a) => new Option(a.name, a.id)),
  );
  field("set_category_id").replaceChildren(
    new Option("leave as it is", ""),
    ...[...categories.values()].filter((c) => !c.archived).map((c) => new Option(categoryLabel(c), c.id)),
  );
}

function openForm(rule = null) {
  editing = rule;
  clearErrors(form);
  form.reset();
  form.querySelector("[data-form-title]").textContent = rule ? `Edit “${rule.name}”` : "New rule";
  if (rule) {
    field("name").value = rule.name;
    field("payee_match").value = rule.payee_match ?? "";
    field("payee_text").value = rule.payee_text;
    field("amount_min").value = rule.amount_min ?? "";
    field("amount_max").value = rule.amount_max ?? "";
    field("account_id").value = rule.account_id ?? "";
    field("set_category_id").value = rule.set_category_id ?? "";
    field("set_payee").value = rule.set_payee ?? "";
    field("add_tags").value = rule.add_tags.join(", ");
    field("enabled").checked = rule.enabled;
  }
  form.classList.remove("d-none");
  field("name").focus();
}

// What the form shows is what is saved: payee text typed while the condition says "any payee"
// makes it "contains", and choosing "any payee" takes the text away.
field("payee_text").addEventListener("input", () => {
  if (!field("payee_match").value && field("payee_text").value.trim()) {
    field("payee_match").value = "contains";
  }
});
field("payee_match").addEventListener("change", () => {
  if (!field("payee_match").value) field("payee_text").value = "";
});

function closeForm() {
  editing = null;
  form.classList.add("d-none");
}

/** The form as the API's rule: empty fields are no condition and no action. */
function ruleBody(values) {
  const amount = (text) => (text.trim() ? parseMoneyInput(text) : null);
  return {
    name: values.name,
    enabled: field("enabled").checked,
    payee_match: values.payee_match || null,
    payee_text: values.payee_text,
    amount_min: amount(values.amount_min),
    amount_max: amount(values.amount_max),
    account_id: values.account_id ? Number(values.account_id) : null,
    set_category_id: values.set_category_id ? Number(values.set_category_id) : null,
    set_payee: optionalText(values.set_payee),
    add_tags: parseTags(values.add_tags),
  };
}

bindForm(form, async (values) => {
  const body = ruleBody(values);
  if (editing) {
    await api("PATCH", book.path(`/rules/${editing.id}`), body, {
      headers: { "If-Match": editing.etag },
    });
  } else {
    await api("POST", book.path("/rules"), body);
  }
  closeForm();
  await refresh();
});
form.querySelector('[data-action="cancel"]').addEventListener("click", closeForm);
form.addEventListener("keydown", (event) => {
  if (event.key === "Escape") closeForm();
});
document.getElementById("new-rule").addEventListener("click", () => openForm());

// --- running the rules on what is there ---------------------------------------------------

const applyButton = run.querySelector('[data-action="apply"]');

function changeRow(change) {
  const row = document.createElement("tr");
  const currency = accounts.get(change.account_id)?.currency ?? book.currency;
  row.append(
    cell(formatDate(change.date)),
    cell(
      change.payee_after !== change.payee_before
        ? `${change.payee_before} → ${change.payee_after}`
        : change.payee_before,
    ),
    cell(formatMoney(change.amount, currency), { className: "text-end text-nowrap" }),
    cell(
      change.category_after !== change.category_before
        ? `${change.category_before === null ? "none" : categoryText(change.category_before)} → ${categoryText(change.category_after)}`
        : "",
    ),
    cell(change.tags_added.join(", ")),
  );
  return row;
}

async function preview() {
  clearPageError(root);
  run.classList.remove("d-none");
  const summary = run.querySelector("[data-summary]");
  summary.textContent = "Looking through the transactions…";
  applyButton.disabled = true;
  const { changes, total } = await api("POST", book.path("/rules/preview"), {});
  run.querySelector("[data-changes]").replaceChildren(...changes.map(changeRow));
  summary.textContent =
    total === 0
      ? "The rules would change nothing: every transaction already agrees with them."
      : `${total} transaction${total === 1 ? "" : "s"} would change` +
        (total > changes.length ? ` (the newest ${changes.length} are shown).` : ".");
  applyButton.textContent = `Apply to ${total} transaction${total === 1 ? "" : "s"}`;
  applyButton.disabled = total === 0;
}

document
  .getElementById("run-rules")
  .addEventListener("click", () => preview().catch((err) => showPageError(root, err)));
applyButton.addEventListener("click", async () => {
  applyButton.disabled = true;
  try {
    const { changed } = await api("POST", book.path("/rules/apply"), {});
    run.querySelector("[data-changes]").replaceChildren();
    run.querySelector("[data-summary]").textContent =
      `Done: ${changed} transaction${changed === 1 ? "" : "s"} changed.`;
  } catch (err) {
    showPageError(root, err);
  }
});
run.querySelector('[data-action="close"]').addEventListener("click", () => run.classList.add("d-none"));

async function start() {
  try {
    const [accountList, categoryList] = await Promise.all([loadAccounts(book), loadCategories(book)]);
    accounts = new Map(accountList.map((a) => [a.id, a]));
    categories = new Map(categoryList.map((c) => [c.id, c]));
    fillChoices();
    await refresh();
  } catch (err) {
    showPageError(root, err);
  }
}

start();
