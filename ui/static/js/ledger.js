// What the pages of a book share: the book's identity, its accounts and categories, and how
// they are named to people.
import { fetchAll } from "./api.js";

export const ACCOUNT_TYPE_NAMES = {
  checking: "Checking",
  savings: "Savings",
  credit_card: "Credit cards",
  cash: "Cash",
  investment: "Investments",
  loan: "Loans",
  other: "Other",
};

export const STATUS_NAMES = { uncleared: "Uncleared", cleared: "Cleared", reconciled: "Reconciled" };

/** The book the page shows, from the data attributes on its root element. */
export function bookOf(root) {
  return {
    id: Number(root.dataset.bookId),
    currency: root.dataset.bookCurrency,
    role: root.dataset.role,
    canWrite: root.dataset.role === "owner" || root.dataset.role === "editor",
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

/** "Groceries" as "Food: Groceries", the way categories are listed and typed. */
export function categoryLabel(category) {
  return `${category.group}: ${category.name}`;
}

/** Show an error that concerns the whole page (loading failed, a change was refused). */
export function showPageError(root, err) {
  const box = root.querySelector("[data-page-error]");
  box.textContent = err.message || String(err);
  box.classList.remove("d-none");
}

export function clearPageError(root) {
  root.querySelector("[data-page-error]")?.classList.add("d-none");
}

/** Today in the user's time zone, as the API writes dates ("2026-11-24"). */
export function today() {
  const now = new Date();
  return new Date(now.getTime() - now.getTimezoneOffset() * 60000).toISOString().slice(0, 10);
}
