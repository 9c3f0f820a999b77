// The import wizard: choose the account and the file, check the preview (dates read the right
// way, columns, rows already there, lines that cannot be read), confirm; undo from the history.
import { ApiError, api } from "../api.js";
import { historyEntries, importBatch } from "../components/import-batch.js";
import { fileDetail, showMapping } from "../components/import-mapping.js";
import { formatDate, formatTimestamp } from "../dates.js";
import { cell, dangerButton, fieldsOf } from "../dom.js";
import { base64 } from "../files.js";
import { clearErrors, showError, showProblem } from "../forms.js";
import { t, tn } from "../i18n.js";
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
  date: t("Date"),
  amount: t("Amount"),
  debit: t("Money out"),
  credit: t("Money in"),
  direction: t("In or out"),
  payee: t("Payee"),
  memo: t("Memo"),
  bank_id: t("Bank’s id"),
};
const FORMAT_LABELS = {
  csv: t("A CSV file."),
  ofx: t("An OFX statement (as Quicken and most banks write them)."),
  qif: t("A QIF file (Quicken Interchange Format)."),
};
const SHOWN_NEW_ROWS = 500;
const SHOWN_PROBLEMS = 50;

const root = document.getElementById("import-page");
const book = bookOf(root);
const form = document.getElementById("import-form");
const field = fieldsOf(form);
const preview = document.getElementById("preview");
hideWritersControls(root, book);

let accounts = [];
let categories = new Map();
let upload = null; // {account_id, file_name, content, date_format?, columns?, amounts_reversed?}
let reversalReason = null; // why the preview ticked "Amounts are reversed" for this file
let batch = null; // several files at once (made once the accounts are known)

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
    result.statements.map((s, index) => {
      const kind = s.kind === "creditcard" ? t("Credit card") : t("Account");
      const what = s.kind === "investment" ? t("investment: not imported") : s.currency || s.kind;
      const name = s.name ? `“${s.name}”` : s.account;
      const label = tn(
        "{kind} {name} ({what}, {count} transaction)",
        "{kind} {name} ({what}, {count} transactions)",
        s.rows,
        { kind, name, what },
      );
      return [index, label];
    }),
    result.statement,
  );
  preview.querySelector("[data-date-choice]").classList.toggle("d-none", result.date_formats.length < 2);
  radios(
    preview.querySelector("[data-date-options]"),
    "date_format",
    result.date_formats.map((format) => [format, result.date_format_words[format] ?? format]),
    upload.date_format,
  );
  preview.querySelector("[data-columns]").classList.toggle("d-none", !result.layout);
  if (result.layout) showColumns(result.layout);
  preview.querySelector("[data-reversal]").classList.toggle("d-none", !result.layout);
  const reversed = preview.querySelector("#amounts-reversed");
  reversed.checked = Boolean(result.layout?.amounts_reversed);
  const why = preview.querySelector("[data-reversal-why]");
  why.textContent =
    reversalReason && reversed.checked ? t("Ticked for you: {reason}", { reason: reversalReason }) : "";
  why.classList.toggle("d-none", !why.textContent);
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
        ...layout.headers.map(
          (header, index) => new Option(header || t("column {number}", { number: index + 1 }), index),
        ),
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

/** The category and tags the file or the book's rules give a row ("" when none applies). */
function ruleOutcome(row) {
  const category = categories.get(row.category_id);
  const fromFile = fileDetail(row);
  return [fromFile || (category ? categoryLabel(category) : ""), row.tags.map((t) => `#${t}`).join(" ")]
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
        label.append(keep, t("already there: import anyway"));
        td.append(label);
      } else {
        td.textContent = t("new");
        td.className = "text-success small";
      }
      tr.append(td);
      return tr;
    }),
  );
  const fresh = result.rows.filter((r) => !r.duplicate_of).length;
  const counts = t("{fresh} new, {old} already in the account (skipped unless ticked).", {
    fresh,
    old: result.rows.length - fresh,
  });
  const hidden =
    fresh > SHOWN_NEW_ROWS ? t("The first {count} new rows are shown.", { count: SHOWN_NEW_ROWS }) : "";
  const waiting =
    result.date_formats.length > 1 || (result.statements.length > 1 && result.statement === null);
  preview.querySelector("[data-summary]").textContent = waiting
    ? t("Choose above to see the rows.")
    : [counts, hidden].filter(Boolean).join(" ");
  showProblems(result, waiting);
  preview.querySelector("[data-confirm]").disabled =
    waiting || result.problems.length > 0 || !result.rows.length;
}

/** The lines that cannot be read, and the choice to import the others without them. */
function showProblems(result, waiting) {
  const ofx = result.format === "ofx";
  const count = result.problems.length;
  const box = preview.querySelector("[data-problems]");
  box.classList.toggle("d-none", !count);
  box.querySelector("[data-problems-text]").textContent = ofx
    ? tn(
        "{count} transaction cannot be read: fix the file or the columns above, or skip it.",
        "{count} transactions cannot be read: fix the file or the columns above, or skip them.",
        count,
      )
    : tn(
        "{count} line cannot be read: fix the file or the columns above, or skip it.",
        "{count} lines cannot be read: fix the file or the columns above, or skip them.",
        count,
      );
  const more = count > SHOWN_PROBLEMS ? [t("… and {count} more", { count: count - SHOWN_PROBLEMS })] : [];
  box.querySelector("[data-problems-list]").replaceChildren(
    ...result.problems
      .slice(0, SHOWN_PROBLEMS)
      .map((p) =>
        ofx
          ? t("Transaction {number}: {message}", { number: p.line, message: p.message })
          : t("Line {number}: {message}", { number: p.line, message: p.message }),
      )
      .concat(more)
      .map((text) => Object.assign(document.createElement("li"), { textContent: text })),
  );
  const skip = preview.querySelector("[data-skip]");
  skip.classList.toggle("d-none", waiting || !count || !result.rows.length);
  skip.disabled = false;
  skip.textContent = tn(
    "Import the {count} good line and skip {skipped}",
    "Import the {count} good lines and skip {skipped}",
    result.rows.length,
    { skipped: count },
  );
}

async function run(request) {
  clearErrors(form);
  clearErrors(preview);
  upload = request;
  const result = await api("POST", book.path("/imports/preview"), request);
  // A card's file that writes charges as positive: read it reversed at once, saying why.
  if (result.reversal_suggested && !("amounts_reversed" in request)) {
    reversalReason = result.reversal_suggested;
    return run({ ...request, amounts_reversed: true });
  }
  preview.classList.remove("d-none");
  preview.querySelector("[data-done]").classList.add("d-none");
  showChoices(result);
  showMapping(
    preview.querySelector("[data-import-mapping]"),
    result.links,
    { categories: [...categories.values()], accounts },
    (mapping) => run({ ...upload, mapping }).catch((err) => showProblem(preview, err)),
  );
  showRows(result);
}

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  clearErrors(form);
  const chosen = [...field("file").files];
  if (!chosen.length) {
    showError(form, "content", t("Choose the file to import."));
    return;
  }
  try {
    if (chosen.length > 1) {
      preview.classList.add("d-none");
      const files = await Promise.all(
        chosen.map(async (f) => ({ file_name: f.name, content: base64(await f.arrayBuffer()) })),
      );
      await batch.preview(files);
      return;
    }
    batch.hide();
    const file = chosen[0];
    const content = base64(await file.arrayBuffer());
    reversalReason = null;
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

// Files dropped on the form are chosen as if picked.
form.addEventListener("dragover", (event) => event.preventDefault());
form.addEventListener("drop", (event) => {
  event.preventDefault();
  field("file").files = event.dataTransfer.files;
  form.requestSubmit();
});

preview.querySelector("#amounts-reversed").addEventListener("change", (event) => {
  run({ ...upload, amounts_reversed: event.currentTarget.checked }).catch((err) => showProblem(preview, err));
});
preview.querySelector("[data-confirm]").addEventListener("click", (event) => importFile(event.currentTarget));
preview
  .querySelector("[data-skip]")
  .addEventListener("click", (event) => importFile(event.currentTarget, { skip_unreadable: true }));

/** Import the previewed file (with `choices` added), following it to the end. */
async function importFile(button, choices = {}) {
  button.disabled = true;
  clearErrors(preview);
  const keep = [...preview.querySelectorAll("[data-keep]:checked")].map((box) => Number(box.dataset.keep));
  try {
    // The file is checked at once; the rows then go in in the background, as a job to follow.
    const job = await api(
      "POST",
      book.path("/imports"),
      { ...upload, keep_duplicates: keep, ...choices },
      {
        headers: { Prefer: "respond-async" },
      },
    );
    const made = await follow(job);
    const done = preview.querySelector("[data-done]");
    const unreadable = made.unreadable.length
      ? tn(
          "Left out {count} line that cannot be read.",
          "Left out {count} lines that cannot be read.",
          made.unreadable.length,
        )
      : "";
    done.textContent = [
      t("Imported {added}, skipped {skipped}.", { added: made.added, skipped: made.skipped }),
      unreadable,
    ]
      .filter(Boolean)
      .join(" ");
    done.classList.remove("d-none");
    // The import may have made categories: the next file's lists offer them.
    categories = new Map((await loadCategories(book)).map((c) => [c.id, c]));
    await loadHistory();
  } catch (err) {
    showProblem(preview, err);
    button.disabled = false;
  } finally {
    preview.querySelector("[data-progress]").classList.add("d-none");
  }
}

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
    ...historyEntries(items).map((item) => {
      const tr = document.createElement("tr");
      tr.dataset.importId = item.id;
      tr.append(
        cell(formatTimestamp(item.created_at)),
        cell(fileWithSkippedLines(item)),
        cell(item.accountIds.map((id) => accountOf(id)?.name ?? "").join(", ")),
        cell(String(item.added), { className: "text-end" }),
        cell(String(item.skipped), { className: "text-end" }),
      );
      const actions = document.createElement("td");
      actions.className = "text-end";
      if (item.undone_at) {
        actions.textContent = t("undone");
        actions.classList.add("text-body-secondary", "small");
      } else if (book.canWrite) {
        const undo = dangerButton(t("Undo"), async () => {
          const question = tn(
            "Take out the {count} transaction “{files}” added?",
            "Take out the {count} transactions “{files}” added?",
            item.added,
            { files: item.files.join(", ") },
          );
          if (!window.confirm(question)) return;
          clearPageError(root);
          try {
            await api("POST", book.path(item.undoPath));
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

/** An import's file name, and the lines it left out as unreadable (shown on request). */
function fileWithSkippedLines(item) {
  const wrap = document.createElement("div");
  wrap.append(item.files.join(", "));
  if (!item.unreadable.length) return wrap;
  const details = document.createElement("details");
  details.className = "small";
  details.dataset.unreadable = item.id;
  const summary = document.createElement("summary");
  summary.textContent = tn(
    "{count} line left out as unreadable",
    "{count} lines left out as unreadable",
    item.unreadable.length,
  );
  const list = document.createElement("ul");
  list.className = "mb-0";
  list.append(
    ...item.unreadable.map((p) =>
      Object.assign(document.createElement("li"), {
        textContent: t("Line {number}: {message}", { number: p.line, message: p.message }),
      }),
    ),
  );
  details.append(summary, list);
  wrap.append(details);
  return wrap;
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
  batch = importBatch({ section: document.getElementById("batch"), book, accounts, onImported: loadHistory });
  const wanted = new URLSearchParams(window.location.search).get("account");
  if (wanted) field("account_id").value = wanted;
  await loadHistory();
}

start().catch((err) => showPageError(root, err));
