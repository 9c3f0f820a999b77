// What the pages of a book share: the book's identity, its accounts and categories, and how
// they are named to people.
import { fetchAll } from "./api.js";
import { showText } from "./dom.js";
import { t } from "./i18n.js";

export const ACCOUNT_TYPE_NAMES = {
  checking: t("Checking"),
  savings: t("Savings"),
  credit_card: t("Credit cards"),
  cash: t("Cash"),
  investment: t("Investments"),
  loan: t("Loans"),
  other: t("Other"),
};

export const STATUS_NAMES = { uncleared: t("Uncleared"), cleared: t("Cleared"), reconciled: t("Reconciled") };

/** A member's roles, least first (the order a role is chosen in). */
export const ROLE_NAMES = { viewer: t("Viewer"), editor: t("Editor"), owner: t("Owner") };

/** Whether a member of this role may change the book (viewers may only read it). */
export function canWrite(role) {
  return role === "owner" || role === "editor";
}

/** The book the page shows, from the data attributes on its root element. */
export function bookOf(root) {
  return {
    id: Number(root.dataset.bookId),
    currency: root.dataset.bookCurrency,
    role: root.dataset.role,
    canWrite: canWrite(root.dataset.role),
    path(rest = "") {
      return `/books/${this.id}${rest}`;
    },
  };
}

/** Hide the controls marked `data-writer` from viewers, who may only read. */
export function hideWritersControls(root, book) {
  if (book.canWrite) return;
  for (const el of root.querySelectorAll("[data-writer]")) el.classList.add("d-none");
}

export function loadAccounts(book, { includeArchived = true } = {}) {
  return fetchAll(book.path("/accounts"), { include_archived: String(includeArchived) });
}

export function loadCategories(book) {
  return fetchAll(book.path("/categories"), { include_archived: "true" });
}

/** The accounts as <option>s for a filter, the archived ones marked so. */
export function accountOptions(accounts) {
  return accounts.map(
    (a) => new Option(a.archived ? t("{name} (archived)", { name: a.name }) : a.name, a.id),
  );
}

/** "Groceries" as "Food: Groceries", the way categories are listed and typed. */
export function categoryLabel(category) {
  return `${category.group}: ${category.name}`;
}

/** The categories `keep(category)` picks, as an <optgroup> of each group for a <select>. */
export function categoryOptgroups(categories, keep = () => true) {
  const groups = new Map();
  for (const category of categories.filter(keep)) {
    if (!groups.has(category.group)) groups.set(category.group, []);
    groups.get(category.group).push(category);
  }
  return [...groups].map(([group, members]) => {
    const optgroup = document.createElement("optgroup");
    optgroup.label = group;
    optgroup.append(...members.map((c) => new Option(c.name, c.id)));
    return optgroup;
  });
}

/** Tags as typed ("food, trip") as the API's list. */
export function parseTags(text) {
  return [
    ...new Set(
      text
        .split(",")
        .map((t) => t.trim())
        .filter(Boolean),
    ),
  ];
}

/** Show an error that concerns the whole page (loading failed, a change was refused). */
export function showPageError(root, err) {
  showText(root.querySelector("[data-page-error]"), err.message || String(err));
}

export function clearPageError(root) {
  root.querySelector("[data-page-error]")?.classList.add("d-none");
}
