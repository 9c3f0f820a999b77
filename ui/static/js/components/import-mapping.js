// The mapping step of a QIF import: what each category and account the file names becomes in
// the book (matched by name, created, or not linked), with a list to pick another; and what a
// row of the file says beyond the bank's lines (its category, transfer or split).

import { t } from "../i18n.js";
import { accountOptions, categoryOptgroups } from "../ledger.js";

const ACTION_NAMES = {
  matched: t("matched by name"),
  mapped: t("your choice"),
  create: t("new: created on import"),
  unlinked: t("no such account: the rows stay plain ones"),
  "this account": t("this account (its opening balance)"),
};

/** The list to pick what one name of the file becomes. */
function picker(link, index, { categories, accounts }) {
  const select = document.createElement("select");
  select.className = "form-select form-select-sm";
  select.id = `mapping-${index}`;
  select.dataset.kind = link.kind;
  select.dataset.name = link.name;
  if (link.kind === "category") {
    select.append(new Option(t("New category"), ""), ...categoryOptgroups(categories, (c) => !c.archived));
  } else {
    select.append(new Option(t("Not linked"), ""), ...accountOptions(accounts.filter((a) => !a.archived)));
  }
  select.value = link.id === null ? "" : String(link.id);
  select.dataset.found = select.value;
  select.dataset.action = link.action;
  select.disabled = link.action === "this account";
  return select;
}

/** The person's choices: every name picked by hand (not what matching found by itself). */
function chosen(container) {
  return [...container.querySelectorAll("select")]
    .filter((s) => s.value !== "" && (s.dataset.action === "mapped" || s.value !== s.dataset.found))
    .map((s) => ({ kind: s.dataset.kind, name: s.dataset.name, id: Number(s.value) }));
}

/**
 * Show the file's names and what they become in `container` (hidden when the file names none);
 * `onChange(mapping)` hears the mapping to preview with whenever a list changes.
 */
export function showMapping(container, links, book, onChange) {
  container.classList.toggle("d-none", !links.length);
  const body = container.querySelector("tbody");
  body.replaceChildren(
    ...links.map((link, index) => {
      const tr = document.createElement("tr");
      tr.dataset.link = `${link.kind}:${link.name}`;
      const name = document.createElement("th");
      name.scope = "row";
      const label = document.createElement("label");
      label.htmlFor = `mapping-${index}`;
      label.textContent = link.kind === "account" ? `[${link.name}]` : link.name;
      name.append(label);
      const select = picker(link, index, book);
      select.addEventListener("change", () => onChange(chosen(container)));
      const becomes = document.createElement("td");
      becomes.append(select);
      const action = document.createElement("td");
      action.className = "small text-body-secondary";
      action.textContent = ACTION_NAMES[link.action] ?? link.action;
      tr.append(name, becomes, action);
      return tr;
    }),
  );
}

/** What the file says of a row beyond the bank's lines: "Housing:Rent", "→ Savings", a split. */
export function fileDetail(row) {
  const part = (category, transfer) => (transfer ? `→ ${transfer}` : (category ?? ""));
  if (row.splits?.length) {
    const parts = row.splits.map((s) => `${part(s.category, s.transfer) || "—"} ${s.amount}`).join("; ");
    return t("split: {parts}", { parts });
  }
  return [part(row.category, row.transfer), row.tag ? `#${row.tag}` : ""].filter(Boolean).join(" ");
}
