// Settings > Authorized apps: the apps a user let into a book, and (administrators) the
// registered apps that may ask.
import { api, fetchAll } from "../api.js";
import { formatTimestamp } from "../dates.js";
import { cell, dangerButton, showText } from "../dom.js";
import { bindForm } from "../forms.js";

const ACCESS = { read: "Read only", "read write": "Read and write" };

function when(text) {
  return text ? formatTimestamp(text) : "never";
}

function showError(section, message) {
  showText(section.querySelector("[data-apps-error]"), message);
}

function fillTable(table, empty, rows) {
  table.querySelector("tbody").replaceChildren(...rows);
  table.classList.toggle("d-none", rows.length === 0);
  empty.classList.toggle("d-none", rows.length > 0);
}

/** Fill the table of the apps the user has let in. */
async function loadAuthorized(section) {
  const table = section.querySelector("#authorized-apps-table");
  table.setAttribute("aria-busy", "true");
  const grants = await fetchAll("/authorized-apps");
  const rows = grants.reverse().map((grant) => {
    const tr = document.createElement("tr");
    tr.dataset.authorizedApp = grant.name;
    const revoke = dangerButton(
      "Revoke",
      async () => {
        if (!window.confirm(`Revoke "${grant.name}"? It stops working at once.`)) return;
        revoke.disabled = true;
        try {
          await api("DELETE", `/authorized-apps/${grant.id}`);
          await loadAuthorized(section);
        } catch (err) {
          showError(section, err.message);
          revoke.disabled = false;
        }
      },
      `Revoke ${grant.name}'s access`,
    );
    tr.append(
      cell(grant.name),
      cell(grant.book_name),
      cell(ACCESS[grant.scope] || grant.scope),
      cell(when(grant.created_at)),
      cell(when(grant.last_used_at)),
      cell(revoke, { className: "text-end" }),
    );
    return tr;
  });
  fillTable(table, section.querySelector("#no-authorized-apps"), rows);
  table.setAttribute("aria-busy", "false");
}

async function loadClients(section) {
  const clients = await fetchAll("/oauth/clients");
  const rows = clients.map((client) => {
    const tr = document.createElement("tr");
    tr.dataset.client = client.client_id;
    const id = document.createElement("code");
    id.textContent = client.client_id;
    const uris = document.createElement("span");
    uris.className = "font-monospace small";
    uris.textContent = client.redirect_uris.join(" ");
    const remove = dangerButton(
      "Remove",
      async () => {
        const question = `Remove "${client.name}"? Everyone's access through it ends at once.`;
        if (!window.confirm(question)) return;
        remove.disabled = true;
        try {
          await api("DELETE", `/oauth/clients/${client.id}`);
          await Promise.all([loadClients(section), loadAuthorized(section)]);
        } catch (err) {
          showError(section, err.message);
          remove.disabled = false;
        }
      },
      `Remove the app ${client.name}`,
    );
    tr.append(
      cell(client.name),
      cell(id),
      cell(uris),
      cell(client.confidential ? "With secret" : "Public (PKCE)"),
      cell(remove, { className: "text-end" }),
    );
    return tr;
  });
  fillTable(section.querySelector("#clients-table"), section.querySelector("#no-clients"), rows);
}

function bindClientForm(section, form) {
  bindForm(form, async ({ name, redirect_uris, confidential }) => {
    const uris = redirect_uris
      .split("\n")
      .map((line) => line.trim())
      .filter(Boolean);
    const created = await api("POST", "/oauth/clients", {
      name,
      redirect_uris: uris,
      confidential: confidential === "yes",
    });
    form.reset();
    const box = section.querySelector("#new-client");
    section.querySelector("#new-client-id").textContent = created.client_id;
    section.querySelector("#new-client-secret").textContent = created.client_secret || "";
    for (const part of box.querySelectorAll("[data-secret-part]")) {
      part.classList.toggle("d-none", !created.client_secret);
    }
    box.classList.remove("d-none");
    await loadClients(section);
  });
}

/** Fill the Authorized apps section (and its registered apps, for administrators). */
export async function appsSection(section) {
  const form = section.querySelector("#client-form");
  const loads = [loadAuthorized(section)];
  if (form) {
    bindClientForm(section, form);
    loads.push(loadClients(section));
  }
  await Promise.all(loads);
}
