// Several bank files at once on the Import page: each statement listed with the account it
// matches (a select to change it, or to choose one where nothing matched), what it would add,
// then "Import all" as one change, with one Undo (POST .../imports/batches[/preview]).
import { api } from "../api.js";
import { cell } from "../dom.js";
import { clearErrors, showProblem } from "../forms.js";
import { t, tn } from "../i18n.js";
import { say } from "../undo.js";

const MATCHED_BY = {
  chosen: t("chosen"),
  statement: t("by its bank account"),
  preset: t("by its columns"),
  name: t("by its name"),
};

/** Files imported together are one entry of the history, with one Undo. */
export function historyEntries(items) {
  const entries = [];
  const batches = new Map();
  for (const item of items) {
    const together = item.batch_id && batches.get(item.batch_id);
    if (together) {
      // Newest first: the batch's earlier files come later in the list.
      together.files.unshift(item.file_name);
      together.accountIds.unshift(item.account_id);
      together.added += item.added;
      together.skipped += item.skipped;
      continue;
    }
    const entry = {
      ...item,
      files: [item.file_name],
      accountIds: [item.account_id],
      undoPath: item.batch_id ? `/imports/batches/${item.batch_id}/undo` : `/imports/${item.id}/undo`,
    };
    if (item.batch_id) batches.set(item.batch_id, entry);
    entries.push(entry);
  }
  return entries;
}

/**
 * The batch's section of the page: `preview(files)` reads and lists the chosen files;
 * `onImported()` runs once they are in (and once undone).
 */
export function importBatch({ section, book, accounts, onImported }) {
  const body = section.querySelector("tbody");
  const importAll = section.querySelector("[data-import-all]");
  const summary = section.querySelector("[data-batch-summary]");
  let entries = []; // one per statement: what is sent, with the person's choices
  let fileCount = 0; // files chosen (a file may hold several statements)

  function accountSelect(item, entry, index) {
    const select = document.createElement("select");
    select.className = "form-select form-select-sm";
    select.id = `batch-account-${index}`;
    select.setAttribute("aria-label", t("Account for {file}", { file: item.file_name }));
    select.dataset.batchAccount = index;
    const open = accounts.filter((a) => !a.archived);
    select.append(new Option(t("Choose the account…"), ""), ...open.map((a) => new Option(a.name, a.id)));
    select.value = item.account_id ? String(item.account_id) : "";
    select.addEventListener("change", () => {
      entry.account_id = select.value ? Number(select.value) : null;
      run();
    });
    return select;
  }

  function row(item, index) {
    const entry = entries[index];
    const tr = document.createElement("tr");
    tr.dataset.batchItem = index;
    const statement = item.statements.length > 1 ? ` (${item.statements[item.statement].account})` : "";
    const where = document.createElement("div");
    where.append(accountSelect(item, entry, index));
    const note = document.createElement("div");
    const refusal = item.refusals.find((r) => r.field.endsWith(".account_id"));
    note.className = refusal ? "invalid-feedback d-block" : "form-text";
    note.textContent = refusal
      ? t("No account matches this file: choose one.")
      : (MATCHED_BY[item.matched_by] ?? "");
    where.append(note);
    const problems = item.refusals.filter((r) => r !== refusal).map((r) => r.message);
    const problemCell = cell(problems.join(" "), {
      className: "small text-danger",
      data: { batchProblems: "" },
    });
    if (item.date_formats.length > 1) {
      const dates = document.createElement("select");
      dates.className = "form-select form-select-sm mt-1";
      dates.setAttribute("aria-label", t("How the dates of {file} read", { file: item.file_name }));
      dates.append(
        new Option(t("How do the dates read?"), ""),
        ...item.date_formats.map((f) => new Option(f, f)),
      );
      dates.addEventListener("change", () => {
        entry.date_format = dates.value || undefined;
        run();
      });
      problemCell.append(dates);
    }
    tr.append(
      cell(`${item.file_name}${statement}`),
      cell(where),
      cell(String(item.new), { className: "text-end", data: { batchNew: "" } }),
      cell(String(item.already_there), { className: "text-end" }),
      problemCell,
    );
    return tr;
  }

  async function run() {
    clearErrors(section);
    const result = await api("POST", book.path("/imports/batches/preview"), { files: entries });
    // A file of several statements comes back as one item each: send each on its own from now.
    // The account stays the person's choice (or none): the server matches the others again.
    entries = result.items.map((item) => ({ ...entries[item.file], statement: item.statement ?? undefined }));
    body.replaceChildren(...result.items.map(row));
    const fresh = result.items.reduce((sum, item) => sum + item.new, 0);
    const statements = tn("{count} statement", "{count} statements", result.items.length);
    const rows = tn("{count} new row", "{count} new rows", fresh);
    summary.textContent = t("{statements}, {rows}.", { statements, rows });
    importAll.disabled = !result.ready;
    section.classList.remove("d-none");
  }

  importAll.addEventListener("click", async () => {
    importAll.disabled = true;
    clearErrors(section);
    try {
      const made = await api("POST", book.path("/imports/batches"), { files: entries });
      summary.textContent = t("Imported {added}, skipped {skipped}.", {
        added: made.added,
        skipped: made.skipped,
      });
      const files = tn("Imported {count} file", "Imported {count} files", fileCount);
      say(`${files} · ${tn("{count} transaction", "{count} transactions", made.added)}`, {
        label: t("Undo"),
        // The undo is a change of its own: undo.js then says what it did, with its Undo.
        run: async () => {
          await api("POST", book.path(`/imports/batches/${made.id}/undo`));
          await onImported();
        },
      });
      await onImported();
    } catch (err) {
      showProblem(section, err);
      importAll.disabled = false;
    }
  });

  return {
    /** Read the files and list them with their accounts. */
    async preview(files) {
      fileCount = files.length;
      entries = files.map((file) => ({ file_name: file.file_name, content: file.content, account_id: null }));
      await run();
    },
    hide() {
      section.classList.add("d-none");
    },
  };
}
