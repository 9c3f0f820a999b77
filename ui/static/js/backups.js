// Backups in Settings (administrators): back up now, choose how many are kept, download one,
// restore one (the server checks it and backs up the current state first).
import { api } from "./api.js";
import { bindForm } from "./forms.js";

const REASONS = {
  start: "at start",
  daily: "daily",
  manual: "by hand",
  "before-migration": "before an upgrade",
  "before-restore": "before a restore",
  "before-repair": "before a repair",
};
const when = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });
const sizes = new Intl.NumberFormat(undefined, { style: "unit", unit: "megabyte", maximumFractionDigits: 1 });

export async function backupsSection(card) {
  const body = card.querySelector("#backups-table tbody");
  const errorBox = card.querySelector("[data-backups-error]");
  const doneBox = card.querySelector("[data-backups-done]");
  const keepForm = document.getElementById("backup-keep-form");

  function say(box, text) {
    box.textContent = text;
    box.classList.toggle("d-none", !text);
  }

  function row(backup) {
    const tr = document.createElement("tr");
    tr.dataset.backup = backup.name;
    const cells = [
      when.format(new Date(backup.created_at)),
      REASONS[backup.reason] ?? backup.reason,
      sizes.format(backup.size / 1e6),
    ];
    for (const [index, text] of cells.entries()) {
      const td = document.createElement("td");
      td.textContent = text;
      if (index === 2) td.className = "text-end text-nowrap";
      tr.append(td);
    }
    const actions = document.createElement("td");
    actions.className = "text-end text-nowrap";
    const download = document.createElement("a");
    download.className = "btn btn-sm btn-outline-secondary";
    download.href = `/api/v1/backups/${encodeURIComponent(backup.name)}`;
    download.download = backup.name;
    download.textContent = "Download";
    const restore = document.createElement("button");
    restore.type = "button";
    restore.className = "btn btn-sm btn-outline-danger ms-1";
    restore.textContent = "Restore";
    restore.dataset.restore = backup.name;
    restore.addEventListener("click", async () => {
      const question =
        `Restore the backup made ${when.format(new Date(backup.created_at))}? ` +
        "Everything changed since is replaced (the current state is backed up first).";
      if (!window.confirm(question)) return;
      say(errorBox, "");
      restore.disabled = true;
      try {
        await api("POST", `/backups/${encodeURIComponent(backup.name)}/restore`);
        // Sessions came back with the backup: start over from a fresh page.
        window.location.assign("/");
      } catch (err) {
        say(errorBox, err.message);
        restore.disabled = false;
      }
    });
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
    say(errorBox, "");
    try {
      const made = await api("POST", "/backups");
      say(doneBox, `Backed up (${sizes.format(made.size / 1e6)}).`);
      await load();
    } catch (err) {
      say(errorBox, err.message);
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
