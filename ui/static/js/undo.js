// Undo and redo on every page of a book: after each change a message says what it did, with
// a button to undo it, and Ctrl+Z / Ctrl+Shift+Z (⌘Z / ⌘⇧Z on a Mac) undo and redo anywhere
// but in a text field. The server keeps what each change did (GET/POST .../undo, .../redo), so
// after undo or redo the page simply loads again, and says what was done.
import { ApiError, api, CHANGE_EVENT } from "./api.js";
import { addShortcut } from "./keyboard.js";

const book = document.querySelector("[data-book-id][data-role]");
const bookId = book ? Number(book.dataset.bookId) : null;
const canWrite = book && ["editor", "owner"].includes(book.dataset.role);
const AFTER_RELOAD = "tallybook-undo-done"; // sessionStorage: what to say once the page is back
const SHOWN_FOR_MS = 10_000;

let region = null;
let busy = false;

/** The live region the messages appear in, made on first use (bottom centre: clear of the
 * status and amount columns at the right, which a person clicks one row after another). */
function messages() {
  if (!region) {
    region = document.createElement("div");
    region.className = "toast-container position-fixed bottom-0 start-50 translate-middle-x p-3";
    region.setAttribute("role", "status");
    region.setAttribute("aria-live", "polite");
    region.setAttribute("aria-atomic", "true");
    region.dataset.undoMessages = "";
    document.body.append(region);
  }
  return region;
}

/** Say `text`, with a button for `button.label` that runs `button.run` (or none). */
export function say(text, button = null) {
  const toast = document.createElement("div");
  toast.className = "toast show align-items-center";
  const row = document.createElement("div");
  row.className = "d-flex align-items-center gap-2 p-2";
  const body = document.createElement("div");
  body.className = "toast-body p-1 me-auto";
  body.textContent = text;
  row.append(body);
  if (button) {
    const action = document.createElement("button");
    action.type = "button";
    action.className = "btn btn-sm btn-outline-primary";
    action.textContent = button.label;
    action.dataset.undoAction = button.label.toLowerCase();
    action.addEventListener("click", button.run);
    row.append(action);
  }
  const close = document.createElement("button");
  close.type = "button";
  close.className = "btn-close";
  close.setAttribute("aria-label", "Close");
  close.addEventListener("click", () => toast.remove());
  row.append(close);
  toast.append(row);
  messages().replaceChildren(toast);
  setTimeout(() => {
    if (!toast.contains(document.activeElement)) toast.remove();
  }, SHOWN_FOR_MS);
}

/** Undo ("undo") or redo ("redo") the person's last change, then load the page again. */
async function act(what) {
  if (busy) return;
  busy = true;
  try {
    const done = await api("POST", `/books/${bookId}/${what}`);
    sessionStorage.setItem(AFTER_RELOAD, JSON.stringify({ what, label: done.action.label }));
    window.location.reload();
  } catch (error) {
    busy = false;
    if (error instanceof ApiError && error.status === 404) say(`Nothing to ${what}.`);
    else say(error.message);
  }
}

/** After a write recorded as change `id`: say what it did (in the page's words when it gave
 * them, `saying`), with its Undo. */
async function announce(id, saying) {
  try {
    const next = id ? await api("GET", `/books/${bookId}/undo`) : null;
    const undoable = next?.undo && String(next.undo.id) === id;
    const undo = undoable ? { label: "Undo", run: () => act("undo") } : null;
    if (saying || undoable) say(saying || next.undo.label, undo);
  } catch {
    // Only a message is lost: the change itself is made.
    if (saying) say(saying);
  }
}

if (bookId && canWrite) {
  window.addEventListener(CHANGE_EVENT, (event) => announce(event.detail.id, event.detail.saying));
  // Not while typing in a field: there Ctrl+Z undoes the typing.
  addShortcut("Ctrl+Z", "Undo your last change in the book", () => act("undo"), "Everywhere");
  addShortcut("Ctrl+Shift+Z", "Redo it", () => act("redo"), "Everywhere");
  const done = sessionStorage.getItem(AFTER_RELOAD);
  if (done) {
    sessionStorage.removeItem(AFTER_RELOAD);
    const { what, label } = JSON.parse(done);
    const again = what === "undo" ? "redo" : "undo";
    say(`${what === "undo" ? "Undone" : "Redone"}: ${label}`, {
      label: again === "undo" ? "Undo" : "Redo",
      run: () => act(again),
    });
  }
}
