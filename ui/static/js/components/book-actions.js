// What a book's card on the home page offers besides opening it: owners rename it or delete it
// (typing its name; the server backs the database up first and says where), other members
// leave it. `onChanged()` draws the books again afterwards (the overview moves to another).
import { api } from "../api.js";
import { formatTimestamp } from "../dates.js";
import { fieldsOf, showText } from "../dom.js";
import { bindForm, clearErrors } from "../forms.js";

let me = null; // who is signed in (for leaving: a member removes their own id)

function dialog(id) {
  return window.bootstrap.Modal.getOrCreateInstance(document.getElementById(id));
}

/** Wire the rename and delete dialogs once; return `wire(element, book)` for the menu of each
 * book's card (and of the book the overview shows). */
export function bookActions({ onChanged, showError }) {
  const renameForm = document.getElementById("rename-book-form");
  const deleteForm = document.getElementById("delete-book-form");
  const deleteButton = deleteForm.querySelector('[type="submit"]');
  const confirmName = fieldsOf(deleteForm)("confirm_name");
  const deletedBox = document.getElementById("book-deleted");
  let chosen = null; // the book a dialog is open for
  // Each dialog starts in its field.
  for (const form of [renameForm, deleteForm]) {
    form.closest(".modal").addEventListener("shown.bs.modal", () => form.querySelector("input").focus());
  }

  bindForm(renameForm, async ({ name }) => {
    await api("PATCH", `/books/${chosen.id}`, { name });
    dialog("rename-book-dialog").hide();
    await onChanged();
  });

  // The button waits for the name typed exactly (the server checks it again).
  confirmName.addEventListener("input", () => {
    deleteButton.disabled = confirmName.value.trim() !== chosen.name;
  });
  bindForm(deleteForm, async ({ confirm_name: typed }) => {
    const query = new URLSearchParams({ confirm_name: typed });
    const deleted = await api("DELETE", `/books/${chosen.id}?${query}`);
    dialog("delete-book-dialog").hide();
    const { backup } = deleted;
    deletedBox.replaceChildren(
      `“${deleted.name}” is deleted. A backup of the whole database was taken just before ` +
        `(${formatTimestamp(backup.created_at)}, “${backup.label}”): an administrator can restore it in `,
      Object.assign(document.createElement("a"), {
        href: "/settings/backups",
        textContent: "Settings › Backups",
      }),
      ", which puts everything back as it was then.",
    );
    deletedBox.classList.remove("d-none");
    await onChanged();
  });

  async function leave(book) {
    if (
      !window.confirm(`Leave “${book.name}”? You will no longer see it, until an owner invites you again.`)
    ) {
      return;
    }
    showError("");
    try {
      me ??= await api("GET", "/me");
      await api("DELETE", `/books/${book.id}/members/${me.id}`);
      await onChanged();
    } catch (err) {
      showError(err.message);
    }
  }

  function open(action, book) {
    chosen = book;
    showText(deletedBox, "");
    if (action === "leave") return leave(book);
    if (action === "rename") {
      renameForm.reset();
      clearErrors(renameForm);
      fieldsOf(renameForm)("name").value = book.name;
      dialog("rename-book-dialog").show();
      return;
    }
    deleteForm.reset();
    clearErrors(deleteForm);
    deleteButton.disabled = true;
    for (const slot of deleteForm.querySelectorAll('[data-field="book-name"]')) slot.textContent = book.name;
    dialog("delete-book-dialog").show();
  }

  return function wire(card, book) {
    const owner = book.role === "owner";
    for (const item of card.querySelectorAll("[data-owner-only]")) item.classList.toggle("d-none", !owner);
    for (const item of card.querySelectorAll("[data-member-only]")) item.classList.toggle("d-none", owner);
    card.querySelector('[data-field="menu-label"]').textContent = `More for ${book.name}`;
    // Assigned, not added: the overview's menu is wired again for each book it shows.
    for (const button of card.querySelectorAll("[data-book-action]")) {
      button.onclick = () => open(button.dataset.bookAction, book);
    }
  };
}
