// Typing a category (or a transfer) and a payee: suggestions from the book, and what the
// typed text means. Native <datalist>s keep this keyboard-first and accessible.
import { api } from "../api.js";
import { t } from "../i18n.js";
import { categoryLabel } from "../ledger.js";

const TRANSFER_PREFIX = t("Transfer: ");

function fold(text) {
  return text.trim().normalize("NFKC").toLocaleLowerCase();
}

/** The book's categories and accounts as the words a person picks from. */
export class CategoryPicker {
  constructor(categories, accounts) {
    this.categories = new Map(categories.map((c) => [c.id, c]));
    this.accounts = new Map(accounts.map((a) => [a.id, a]));
  }

  /** Fill the shared datalist; transfers are offered to every account but `accountId`. */
  suggest(accountId = null, { transfers = true } = {}) {
    const list = document.getElementById("category-options");
    const labels = [...this.categories.values()].filter((c) => !c.archived).map(categoryLabel);
    if (transfers) {
      for (const account of this.accounts.values()) {
        if (!account.archived && account.id !== accountId) labels.push(TRANSFER_PREFIX + account.name);
      }
    }
    list.replaceChildren(
      ...labels.map((label) => {
        const option = document.createElement("option");
        option.value = label;
        return option;
      }),
    );
  }

  /** What a transaction's category column says: its category, "Split (3)" or its transfer. */
  describe(txn) {
    if (txn.splits.length) return t("Split ({count})", { count: txn.splits.length });
    if (txn.transfer_account_id) {
      const other = this.accounts.get(txn.transfer_account_id);
      return TRANSFER_PREFIX + (other ? other.name : t("account {id}", { id: txn.transfer_account_id }));
    }
    return this.categoryText(txn.category_id);
  }

  categoryText(categoryId) {
    const category = this.categories.get(categoryId);
    return category ? categoryLabel(category) : "";
  }

  /**
   * What typed text means: `{category_id}` (null for none) or `{transfer_account_id}`.
   * Throws an Error with a message for the field when it names nothing of the book.
   */
  resolve(text, { transfers = true } = {}) {
    const wanted = fold(text);
    if (!wanted) return { category_id: null };
    const all = [...this.categories.values()];
    const exact = all.filter((c) => fold(categoryLabel(c)) === wanted);
    if (transfers && !exact.length && wanted.startsWith(fold(TRANSFER_PREFIX))) {
      const name = wanted.slice(fold(TRANSFER_PREFIX).length).trim();
      const account = [...this.accounts.values()].find((a) => fold(a.name) === name);
      if (account) return { transfer_account_id: account.id };
      throw new Error(
        t("There is no account named “{name}”.", { name: text.trim().slice(TRANSFER_PREFIX.length) }),
      );
    }
    const byName = all.filter((c) => fold(c.name) === wanted);
    const found = exact.length ? exact : byName;
    const live = found.filter((c) => !c.archived);
    if (found.length === 1 || live.length === 1) return { category_id: (live[0] || found[0]).id };
    if (found.length > 1)
      throw new Error(t("More than one group has “{name}”: pick it from the list.", { name: text.trim() }));
    throw new Error(t("There is no category “{name}”: pick one from the list.", { name: text.trim() }));
  }
}

/** Suggest the book's payees in `#payee-options` as the user types into `input`. */
export function suggestPayees(input, book) {
  const list = document.getElementById("payee-options");
  let timer = null;
  let asked = null;
  input.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(async () => {
      const prefix = input.value.trim();
      if (prefix === asked) return;
      asked = prefix;
      try {
        const query = new URLSearchParams({ q: prefix, limit: "20" });
        const page = await api("GET", book.path(`/payees?${query}`));
        if (asked !== prefix) return; // a later keystroke asked again
        list.replaceChildren(
          ...page.items.map((payee) => {
            const option = document.createElement("option");
            option.value = payee.name;
            return option;
          }),
        );
      } catch {
        // Suggestions are a convenience; typing goes on without them.
      }
    }, 120);
  });
}

/**
 * The category last used with a payee (to fill in for a new transaction in `accountId`), or
 * null. A transfer counts unless it was to or from that same account.
 */
export async function lastCategoryOf(book, payee, accountId = null) {
  if (!payee.trim()) return null;
  const query = new URLSearchParams({ payee: payee.trim(), limit: "1" });
  const page = await api("GET", book.path(`/transactions?${query}`));
  const last = page.items[0];
  if (!last || last.splits.length) return null;
  if (last.transfer_account_id) {
    const other = last.account_id === accountId ? last.transfer_account_id : last.account_id;
    return other === accountId ? null : { transfer_account_id: other };
  }
  return last.category_id ? { category_id: last.category_id } : null;
}
