// Backups in Settings (administrators): back up now, choose how many are kept, download one,
// restore one (the server checks it and backs up the current state first).
import { api } from "../api.js";
import { formatTimestamp } from "../dates.js";
import { cell, dangerButton, showText } from "../dom.js";
import { bindForm } from "../forms.js";
import { t } from "../i18n.js";

const REASONS = {
  start: t("at start"),
  daily: "daily",
  manual: t("by hand"),
  "before-migration": t("before an upgrade"),
  "before-restore": t("before a restore"),
  "before-repair": t("before a repair"),
  "before-book-delete": t("before deleting a book"),
};
const sizes = new Intl.NumberFormat(undefined, { style: "unit", unit: "megabyte", maximumFractionDigits: 1 });

export async function backupsSection(card) {
  const body = card.querySelector("#backups-table tbody");
  const errorBox = card.querySelector("[data-backups-error]");
  const doneBox = card.querySelector("[data-backups-done]");
  const keepForm = document.getElementById("backup-keep-form");

  function row(backup) {
    const tr = document.createElement("tr");
    tr.dataset.backup = backup.name;
    tr.append(
      cell(formatTimestamp(backup.created_at)),
      cell(backup.label ?? REASONS[backup.reason] ?? backup.reason),
      cell(sizes.format(backup.size / 1e6), { className: "text-end text-nowrap" }),
    );
    const actions = document.createElement("td");
    actions.className = "text-end text-nowrap";
    const download = document.createElement("a");
    download.className = "btn btn-sm btn-outline-secondary";
    download.href = `/api/v1/backups/${encodeURIComponent(backup.name)}`;
    download.download = backup.name;
    download.textContent = t("Download");
    const restore = dangerButton(t("Restore"), async () => {
      const question = t(
        "Restore the backup made {when}? Everything changed since is replaced (the current state is backed up first).",
        { when: formatTimestamp(backup.created_at) },
      );
      if (!window.confirm(question)) return;
      showText(errorBox, "");
      restore.disabled = true;
      try {
        await api("POST", `/backups/${encodeURIComponent(backup.name)}/restore`);
        // Sessions came back with the backup: start over from a fresh page.
        window.location.assign("/");
      } catch (err) {
        showText(errorBox, err.message);
        restore.disabled = false;
      }
    });
    restore.classList.add("ms-1");
    restore.dataset.restore = backup.name;
    actions.append(download, restore);
    tr.append(actions);
    return tr;
  }

  async function load() {
    const listed = await api("GET", "/backups");
    body.replaceChildren(...listed.items.map(row));
    keepForm.elements.namedItem("keep").value = listed.keep;
  }

  card.querySelector("[data-backup-now]").addEventListener("click", async (event) => {
    const button = event.currentTarget;
    button.disabled = true;
    showText(errorBox, "");
    try {
      const made = await api("POST", "/backups");
      showText(doneBox, t("Backed up ({size}).", { size: sizes.format(made.size / 1e6) }));
      await load();
    } catch (err) {
      showText(errorBox, err.message);
    } finally {
      button.disabled = false;
    }
  });
  bindForm(keepForm, async ({ keep }) => {
    await api("PATCH", "/backup-settings", { keep: Number(keep) });
    await load();
  });
  await load();
}
