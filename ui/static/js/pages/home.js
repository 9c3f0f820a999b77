import { api, fetchAll } from "../api.js";
import { bindForm } from "../forms.js";

const list = document.getElementById("books");
const template = document.getElementById("book-card");
const ROLE_NAMES = { owner: "Owner", editor: "Editor", viewer: "Viewer" };

function bookCard(book) {
  const card = template.content.cloneNode(true);
  card.querySelector("[data-book]").dataset.bookId = book.id;
  const name = card.querySelector('[data-field="name"]');
  name.textContent = book.name;
  name.href = `/books/${book.id}`;
  card.querySelector('[data-field="currency"]').textContent = book.currency;
  card.querySelector('[data-field="role"]').textContent = ROLE_NAMES[book.role] || book.role;
  return card;
}

async function loadBooks() {
  const books = await fetchAll("/books");
  list.replaceChildren(...books.map(bookCard));
  list.setAttribute("aria-busy", "false");
}

loadBooks().catch((err) => {
  const box = document.getElementById("books-error");
  box.textContent = err.message;
  box.classList.remove("d-none");
  list.replaceChildren();
});

const form = document.getElementById("book-form");
bindForm(form, async ({ name, currency }) => {
  await api("POST", "/books", { name, currency: currency.trim().toUpperCase() });
  form.reset();
  await loadBooks();
});
