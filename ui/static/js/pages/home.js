// The home page: the books one may open (each exportable as a book file, renamed, deleted or
// left), a new book, a book file made into a new book, the overview of one book (an empty one's
// first steps), and a word on invitations waiting.
import { api, fetchAll } from "../api.js";
import { bookActions } from "../components/book-actions.js";
import { showDashboard } from "../components/dashboard.js";
import { offerDemo } from "../components/first-steps.js";
import { offerOtherBooks } from "../components/other-book.js";
import { showText } from "../dom.js";
import { bindForm } from "../forms.js";
import { ROLE_NAMES } from "../ledger.js";

const list = document.getElementById("books");
const template = document.getElementById("book-card");

function bookCard(book) {
  const card = template.content.cloneNode(true);
  card.querySelector("[data-book]").dataset.bookId = book.id;
  const name = card.querySelector('[data-field="name"]');
  name.textContent = book.name;
  name.href = `/books/${book.id}`;
  card.querySelector('[data-field="currency"]').textContent = book.currency;
  card.querySelector('[data-field="role"]').textContent = ROLE_NAMES[book.role] || book.role;
  const download = card.querySelector('[data-field="export"]');
  download.href = `/api/v1/books/${book.id}/export.json`;
  download.setAttribute("aria-label", `Export as JSON: ${book.name}`); // the visible words first
  const ledger = card.querySelector('[data-field="export-beancount"]');
  ledger.href = `/api/v1/books/${book.id}/export.beancount`;
  ledger.setAttribute("aria-label", `Export ${book.name} as a Beancount ledger`);
  wireActions(card, book);
  return card;
}

async function loadBooks() {
  const books = await fetchAll("/books");
  list.replaceChildren(...books.map(bookCard));
  list.setAttribute("aria-busy", "false");
  document.getElementById("no-books").classList.toggle("d-none", books.length > 0);
  await showDashboard(books, (shown) => wireActions(overviewMenu, shown));
}

function showError(message) {
  showText(document.getElementById("books-error"), message);
}

const wireActions = bookActions({ onChanged: loadBooks, showError });
const overviewMenu = document.getElementById("dashboard-book-menu");
offerDemo(showError);

loadBooks().catch((err) => {
  showError(err.message);
  list.replaceChildren();
});

// Invitations into other people's books wait in Settings › Households: say so here.
fetchAll("/me/invitations")
  .then((invitations) => {
    const notice = document.getElementById("invitations-notice");
    const count = invitations.length;
    notice.querySelector("[data-invitations-count]").textContent =
      count === 1 ? "You are invited into a book." : `You are invited into ${count} books.`;
    notice.classList.toggle("d-none", count === 0);
  })
  .catch((err) => showError(err.message));

// A book file (exported by Tallybook) becomes a new book; a damaged one is refused whole.
const bookFile = document.getElementById("book-file");
bookFile.addEventListener("change", async () => {
  const [file] = bookFile.files;
  bookFile.value = "";
  if (!file) return;
  const status = document.getElementById("book-file-status");
  showError("");
  status.textContent = `Loading ${file.name}…`;
  status.classList.remove("d-none");
  try {
    let document_;
    try {
      document_ = JSON.parse(await file.text());
    } catch {
      throw new Error(`${file.name} is not a Tallybook book file (it is not JSON).`);
    }
    const book = await api("POST", "/books/import", document_);
    status.textContent = `${file.name} is now the book “${book.name}”.`;
    await loadBooks();
  } catch (err) {
    status.classList.add("d-none");
    const details = (err.errors || []).slice(0, 5).map((e) => `${e.field}: ${e.message}`);
    showError([err.message, ...details].join(" "));
  }
});

const form = document.getElementById("book-form");
bindForm(form, async ({ name, currency }) => {
  await api("POST", "/books", { name, currency: currency.trim().toUpperCase() });
  form.reset();
  await loadBooks();
});

offerOtherBooks(loadBooks);
