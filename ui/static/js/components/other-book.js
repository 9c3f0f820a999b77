// "Bring a book from another app" (the Books page and an empty book's first steps): choose the
// app (its hint says how to get the file out of it), choose the file, read the summary of each
// account's balance against the source's, open the new book.
import { api } from "../api.js";
import { cell } from "../dom.js";
import { base64 } from "../files.js";
import { bindForm, showError } from "../forms.js";
import { t, tn } from "../i18n.js";
import { formatMoney } from "../money.js";

const form = document.getElementById("other-book-form");
const choice = document.getElementById("other-app");
const file = document.getElementById("other-book-file");
const summary = document.getElementById("other-book-summary");
const fields = document.getElementById("other-book-fields");

/** Show what the chosen app's file is, how to export it, and what to install first. */
function showApp() {
  const option = choice.selectedOptions[0];
  document.getElementById("other-app-hint").textContent = `${option.dataset.files}. ${option.dataset.hint}`;
  file.accept = option.dataset.accept;
  const missing = option.dataset.missing;
  const submit = form.querySelector('[type="submit"]');
  submit.disabled = Boolean(missing);
  if (missing) showError(form, "app", missing);
  else choice.classList.remove("is-invalid");
}

function showSummary(result) {
  const rows = summary.querySelector("tbody");
  rows.replaceChildren(
    ...result.accounts.map((account) => {
      const row = document.createElement("tr");
      row.dataset.account = account.account;
      row.append(
        cell(account.account),
        cell(formatMoney(account.source_balance, account.currency), { className: "text-end" }),
        cell(formatMoney(account.balance, account.currency), { className: "text-end" }),
        cell(account.equal ? t("Same") : t("Differs"), {
          className: account.equal ? "text-success" : "text-danger fw-semibold",
          data: { field: "equal" },
        }),
      );
      return row;
    }),
  );
  summary.querySelector('[data-field="verdict"]').textContent = result.mismatches
    ? tn(
        "{count} account differs from the source: look at it before relying on the book.",
        "{count} accounts differ from the source: look at them before relying on the book.",
        result.mismatches,
      )
    : t("Every account holds what the other app says it holds.");
  const notes = summary.querySelector('[data-field="notes"]');
  notes.replaceChildren(
    ...result.notes.map((note) => {
      const item = document.createElement("li");
      item.textContent = note;
      return item;
    }),
  );
  summary.querySelector('[data-field="book-name"]').textContent = result.book.name;
  summary.querySelector('[data-field="open"]').href = `/?book=${result.book.id}`;
  summary.classList.remove("d-none");
  fields.classList.add("d-none");
  form.querySelector('[type="submit"]').classList.add("d-none");
}

/** Wire the dialog; `onMade()` runs once a book has been made (to list it). */
export function offerOtherBooks(onMade) {
  if (!form) return;
  choice.addEventListener("change", showApp);
  showApp();
  document.getElementById("other-book-dialog").addEventListener("show.bs.modal", () => {
    form.reset();
    fields.classList.remove("d-none");
    form.querySelector('[type="submit"]').classList.remove("d-none");
    summary.classList.add("d-none");
    showApp();
  });
  bindForm(
    form,
    async ({ app, name }) => {
      const [chosen] = file.files;
      const body = { file_name: chosen.name, content: base64(await chosen.arrayBuffer()) };
      if (name.trim()) body.name = name.trim();
      showSummary(await api("POST", `/books/import/${encodeURIComponent(app)}`, body));
      await onMade();
    },
    () => (file.files.length ? [] : [["content", t("Choose the file to bring over.")]]),
  );
}
