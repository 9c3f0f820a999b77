// The import wizard: choose the account and the file, check the preview (dates read the right
// way, columns, rows already there, lines that cannot be read), confirm; undo from the history.
import { ApiError, api } from "../api.js";
import { formatDate, formatTimestamp } from "../dates.js";
import { cell, dangerButton, fieldsOf } from "../dom.js";
import { base64 } from "../files.js";
import { clearErrors, showError, showProblem } from "../forms.js";
import {
  bookOf,
  categoryLabel,
  clearPageError,
  hideWritersControls,
  loadAccounts,
  loadCategories,
  showPageError,
} from "../ledger.js";
import { formatMoney } from "../money.js";

const ROLE_NAMES = {
  date: "Date",
  amount: "Amount",
  debit: "Money out",
  credit: "Money in",
  direction: "In or out",
  payee: "Payee",
  memo: "Memo",
  bank_id: "Bank's id",
};
const FORMAT_NAMES = {
  "%d/%m/%Y": "day/month/year (31/01/2025)",
  "%m/%d/%Y": "month/day/year (01/31/2025)",
  "%d-%m-%Y": "day-month-year",
  "%m-%d-%Y": "month-day-year",
  "%d/%m/%y": "day/month/year (31/01/25)",
  "%m/%d/%y": "month/day/year (01/31/25)",
};
const FORMAT_LABELS = {
  csv: "A CSV file.",
  ofx: "An OFX statement (as Quicken and most banks write them).",
  qif: "A QIF file (Quicken Interchange Format).",
};
const SHOWN_NEW_ROWS = 500;

const root = document.getElementById("import-page");
const book = bookOf(root);
const form = document.getElementById("import-form");
const field = fieldsOf(form);
const preview = document.getElementById("preview");
hideWritersControls(root, book);

let accounts = [];
let categories = new Map();
let upload = null; // {account_id, file_name, content, date_format?, columns?} of the preview

function accountOf(id) {
  return accounts.find((a) => a.id === Number(id));
}

/** Radio buttons that re-run the preview with one more choice made. */
function radios(container, name, choices, chosen) {
  container.replaceChildren(
    ...choices.map(([value, text], index) => {
      const wrap = document.createElement("div");
      wrap.className = "form-check";
      const input = document.createElement("input");
      input.className = "form-check-input";
      input.type = "radio";
      input.name = name;
      input.id = `${name}-${index}`;
      input.value = value;
      input.checked = value === chosen;
      input.addEventListener("change", () => run({ ...upload, [name]: value }));
      const label = document.createElement("label");
      label.className = "form-check-label";
      label.htmlFor = input.id;
      label.textContent = text;
      wrap.append(input, label);
      return wrap;
    }),
  );
}

function showChoices(result) {
  preview.querySelector("[data-format]").textContent = FORMAT_LABELS[result.format];
  const statementChoice = preview.querySelector("[data-statement-choice]");
  statementChoice.classList.toggle("d-none", result.statements.length < 2);
  radios(
    preview.querySelector("[data-statement-options]"),
    "statement",
    result.statements.map((s, index) => [
      index,
      `${s.kind === "creditcard" ? "Credit card" : "Account"} ${s.account} (${s.currency}, ${s.rows} transactions)`,
    ]),
    result.statement,
  );
  preview.querySelector("[data-date-choice]").classList.toggle("d-none", result.date_formats.length < 2);
  radios(
    preview.querySelector("[data-date-options]"),
    "date_format",
    result.date_formats.map((format) => [format, FORMAT_NAMES[format] ?? format]),
    upload.date_format,
  );
  preview.querySelector("[data-columns]").classList.toggle("d-none", !result.layout);
  if (result.layout) showColumns(result.layout);
}

function showColumns(layout) {
  const columns = preview.querySelector("[data-column-choices]");
  columns.replaceChildren(
    ...Object.entries(ROLE_NAMES).map(([role, name]) => {
      const col = document.createElement("div");
      col.className = "col-6 col-md-3";
      const label = document.createElement("label");
      label.className = "form-label small mb-0";
      label.htmlFor = `column-${role}`;
      label.textContent = name;
      const select = document.createElement("select");
      select.className = "form-select form-select-sm";
      select.id = `column-${role}`;
      select.dataset.role = role;
      select.append(
        new Option("—", ""),
        ...layout.headers.map((header, index) => new Option(header || `column ${index + 1}`, index)),
      );
      select.value = role in layout.columns ? String(layout.columns[role]) : "";
      select.addEventListener("change", () => {
        const chosen = {};
        columns.querySelectorAll("select").forEach((s) => {
          if (s.value !== "") chosen[s.dataset.role] = Number(s.value);
        });
        run({ ...upload, columns: chosen });
      });
      col.append(label, select);
      return col;
    }),
  );
  preview.querySelector("[data-columns-summary]").textContent = Object.entries(layout.columns)
    .map(([role, index]) => `${ROLE_NAMES[role] ?? role} = “${layout.headers[index] ?? index + 1}”`)
    .join(", ");
}

/** The category and tags the book's rules give a row ("" when none applies). */
function ruleOutcome(row) {
  const category = categories.get(row.category_id);
  return [category ? categoryLabel(category) : "", row.tags.map((t) => `#${t}`).join(" ")]
    .filter(Boolean)
    .join(" ");
}

function showRows(result) {
  const currency = accountOf(upload.account_id)?.currency ?? book.currency;
  const body = preview.querySelector("#preview-table tbody");
  // A year of a busy account is thousands of rows: show every duplicate (to tick) and the
  // first new ones; the summary counts them all.
  let newShown = 0;
  const shown = result.rows.filter((row) => row.duplicate_of || newShown++ < SHOWN_NEW_ROWS);
  body.replaceChildren(
    ...shown.map((row) => {
      const tr = document.createElement("tr");
      tr.dataset.line = row.line;
      const payee = row.rule_payee ? `${row.payee} → ${row.rule_payee}` : row.payee;
      tr.append(
        cell(String(row.line)),
        cell(formatDate(row.date)),
        cell(payee),
        cell(row.memo),
        cell(ruleOutcome(row)),
        cell(formatMoney(row.amount, currency), { className: "text-end money" }),
      );
      const td = document.createElement("td");
      if (row.duplicate_of) {
        tr.classList.add("text-body-secondary");
        const label = document.createElement("label");
        label.className = "small";
        const keep = document.createElement("input");
        keep.type = "checkbox";
        keep.className = "form-check-input me-1";
        keep.dataset.keep = row.line;
        label.append(keep, "already there: import anyway");
        td.append(label);
      } else {
        td.textContent = "new";
        td.className = "text-success small";
      }
      tr.append(td);
      return tr;
    }),
  );
  const fresh = result.rows.filter((r) => !r.duplicate_of).length;
  const hidden = fresh > SHOWN_NEW_ROWS ? ` The first ${SHOWN_NEW_ROWS} new rows are shown.` : "";
  const waiting = result.date_formats.length > 1 || (result.format === "ofx" && result.statement === null);
  preview.querySelector("[data-summary]").textContent = waiting
    ? "Choose above to see the rows."
    : `${fresh} new, ${result.rows.length - fresh} already in the account (skipped unless ticked).${hidden}`;
  const problems = preview.querySelector("[data-problems]");
  problems.textContent = result.problems.length
    ? `Lines that cannot be read (fix the file, or the columns above): ${result.problems
        .slice(0, 10)
        .map((p) => `${result.format === "ofx" ? "transaction" : "line"} ${p.line}: ${p.message}`)
        .join("; ")}`
    : "";
  problems.classList.toggle("d-none", !result.problems.length);
  preview.querySelector("[data-confirm]").disabled =
    waiting || result.problems.length > 0 || !result.rows.length;
}

async function run(request) {
  clearErrors(form);
  clearErrors(preview);
  upload = request;
  const result = await api("POST", book.path("/imports/preview"), request);
  preview.classList.remove("d-none");
  preview.querySelector("[data-done]").classList.add("d-none");
  showChoices(result);
  showRows(result);
}

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  clearErrors(form);
  const file = field("file").files[0];
  if (!file) {
    showError(form, "content", "Choose the file to import.");
    return;
  }
  try {
    const content = base64(await file.arrayBuffer());
    await run({
      account_id: Number(field("account_id").value),
      file_name: file.name,
      content,
    });
  } catch (err) {
    preview.classList.add("d-none");
    showProblem(form, err);
  }
});

preview.querySelector("[data-confirm]").addEventListener("click", async (event) => {
  const button = event.currentTarget;
  button.disabled = true;
  clearErrors(preview);
  const keep = [...preview.querySelectorAll("[data-keep]:checked")].map((box) => Number(box.dataset.keep));
  try {
    // The file is checked at once; the rows then go in in the background, as a job to follow.
    const job = await api(
      "POST",
      book.path("/imports"),
      { ...upload, keep_duplicates: keep },
      {
        headers: { Prefer: "respond-async" },
      },
    );
    const made = await follow(job);
    const done = preview.querySelector("[data-done]");
    done.textContent = `Imported ${made.added}, skipped ${made.skipped}.`;
    done.classList.remove("d-none");
    await loadHistory();
  } catch (err) {
    showProblem(preview, err);
    button.disabled = false;
  } finally {
    preview.querySelector("[data-progress]").classList.add("d-none");
  }
});

/** Show a background import's progress until it ends; its import, or its problem thrown. */
async function follow(job) {
  const progress = preview.querySelector("[data-progress]");
  const bar = progress.querySelector(".progress-bar");
  progress.classList.remove("d-none");
  for (;;) {
    const percent = job.total ? Math.round((100 * job.done) / job.total) : 0;
    bar.style.width = `${percent}%`;
    progress.setAttribute("aria-valuenow", String(percent));
    if (job.state === "done") return job.import;
    if (job.state === "failed") throw new ApiError(job.problem.status, job.problem);
    await new Promise((resolve) => setTimeout(resolve, 250));
    job = await api("GET", book.path(`/imports/jobs/${job.id}`));
  }
}

async function loadHistory() {
  const { items } = await api("GET", book.path("/imports"));
  const body = document.querySelector("#history-table tbody");
  body.replaceChildren(
    ...items.map((item) => {
      const tr = document.createElement("tr");
      tr.dataset.importId = item.id;
      tr.append(
        cell(formatTimestamp(item.created_at)),
        cell(item.file_name),
        cell(accountOf(item.account_id)?.name ?? ""),
        cell(String(item.added), { className: "text-end" }),
        cell(String(item.skipped), { className: "text-end" }),
      );
      const actions = document.createElement("td");
      actions.className = "text-end";
      if (item.undone_at) {
        actions.textContent = "undone";
        actions.classList.add("text-body-secondary", "small");
      } else if (book.canWrite) {
        const undo = dangerButton("Undo", async () => {
          if (!window.confirm(`Take out the ${item.added} transactions “${item.file_name}” added?`)) return;
          clearPageError(root);
          try {
            await api("POST", book.path(`/imports/${item.id}/undo`));
            await loadHistory();
          } catch (err) {
            showPageError(root, err);
          }
        });
        actions.append(undo);
      }
      tr.append(actions);
      return tr;
    }),
  );
}

async function start() {
  const [accountList, categoryList] = await Promise.all([loadAccounts(book), loadCategories(book)]);
  accounts = accountList;
  categories = new Map(categoryList.map((c) => [c.id, c]));
  const open = accounts.filter((a) => !a.archived);
  field("account_id").replaceChildren(...open.map((a) => new Option(a.name, a.id)));
  // A file goes into an account: a book without one is sent to make it first.
  root.querySelector("[data-no-accounts]").classList.toggle("d-none", open.length > 0 || !book.canWrite);
  if (!open.length) form.classList.add("d-none");
  const wanted = new URLSearchParams(window.location.search).get("account");
  if (wanted) field("account_id").value = wanted;
  await loadHistory();
}

start().catch((err) => showPageError(root, err));
