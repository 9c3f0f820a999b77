// Settings, one section a page (/settings/<section>): you (the password), this computer
// (automatic sign-in) or the server (registration, administrators), backups (administrators),
// API tokens and apps, households (who shares each book). Each part starts if its section is
// the one shown.
import { api, setCsrfToken } from "../api.js";
import { appsSection } from "../components/apps.js";
import { automaticSignInSection } from "../components/automatic-sign-in.js";
import { backupsSection } from "../components/backups.js";
import { membersSection } from "../components/members.js";
import { formatTimestamp } from "../dates.js";
import { cell, dangerButton, showText } from "../dom.js";
import { bindForm, passwordsMatch } from "../forms.js";

// ---- password -------------------------------------------------------------------------
const passwordForm = document.getElementById("password-form");
if (passwordForm) {
  bindForm(
    passwordForm,
    async ({ current_password, new_password }) => {
      const revoke_tokens = passwordForm.elements.revoke_tokens.checked;
      const result = await api("POST", "/me/password", { current_password, new_password, revoke_tokens });
      setCsrfToken(result.csrf_token);
      passwordForm.reset();
      passwordForm.querySelector("[data-tokens-revoked]").classList.toggle("d-none", !revoke_tokens);
      passwordForm.querySelector("[data-form-success]").classList.remove("d-none");
    },
    passwordsMatch("new_password", "new_password_confirm"),
  );
}

// ---- automatic sign-in (this computer) ---------------------------------------------------
const automaticSignIn = document.getElementById("automatic-sign-in");
if (automaticSignIn) {
  automaticSignInSection(automaticSignIn).catch((err) =>
    showText(automaticSignIn.querySelector("[data-automatic-sign-in-error]"), err.message),
  );
}

// ---- registration (administrators) ----------------------------------------------------
const registration = document.getElementById("registration-open");
if (registration) {
  const error = document.querySelector("[data-registration-error]");
  api("GET", "/instance")
    .then((instance) => {
      registration.checked = instance.registration_open;
    })
    .catch((err) => showText(error, err.message));
  registration.addEventListener("change", async () => {
    error.classList.add("d-none");
    try {
      const instance = await api("PATCH", "/instance", { registration_open: registration.checked });
      registration.checked = instance.registration_open;
    } catch (err) {
      registration.checked = !registration.checked;
      showText(error, err.message);
    }
  });
}

// ---- API tokens -----------------------------------------------------------------------
const tokenBody = document.querySelector("#tokens-table tbody");
const SCOPE_NAMES = { read: "Read only", write: "Read and write" };

function tokenRow(token) {
  const tr = document.createElement("tr");
  tr.dataset.tokenId = token.id;
  tr.append(
    cell(token.name),
    cell(SCOPE_NAMES[token.scope] || token.scope),
    cell(`${token.token_hint}…`, { className: "font-monospace small" }),
    cell(token.expires_at ? formatTimestamp(token.expires_at, { withTime: false }) : "never"),
    cell(token.last_used_at ? formatTimestamp(token.last_used_at) : "never"),
  );
  const revoke = dangerButton(
    "Revoke",
    async () => {
      if (!window.confirm(`Revoke "${token.name}"? Scripts using it stop working at once.`)) return;
      revoke.disabled = true;
      try {
        await api("DELETE", `/tokens/${token.id}`);
        await loadTokens();
      } catch (err) {
        showTokensError(err.message);
        revoke.disabled = false;
      }
    },
    `Revoke token ${token.name}`,
  );
  tr.append(cell(revoke, { className: "text-end" }));
  return tr;
}

function showTokensError(message) {
  showText(document.getElementById("tokens-error"), message);
}

async function loadTokens() {
  const page = await api("GET", "/tokens?limit=500");
  tokenBody.replaceChildren(...page.items.slice().reverse().map(tokenRow));
  document.getElementById("no-tokens").classList.toggle("d-none", page.items.length > 0);
  document.getElementById("tokens-table").classList.toggle("d-none", page.items.length === 0);
}

const tokenForm = document.getElementById("token-form");
if (tokenForm) {
  bindForm(tokenForm, async ({ name, scope, expires_in_days }) => {
    const days = Number.parseInt(expires_in_days, 10);
    const expires_at = Number.isNaN(days)
      ? null
      : new Date(Date.now() + days * 24 * 3600 * 1000).toISOString();
    const created = await api("POST", "/tokens", { name, scope, expires_at });
    tokenForm.reset();
    document.getElementById("new-token-value").value = created.token;
    document.getElementById("new-token").classList.remove("d-none");
    document.getElementById("new-token-value").select();
    await loadTokens();
  });

  document.getElementById("copy-token").addEventListener("click", async () => {
    const input = document.getElementById("new-token-value");
    input.select();
    try {
      await navigator.clipboard.writeText(input.value);
    } catch {
      document.execCommand("copy"); // older embedded browsers without the async clipboard
    }
  });

  loadTokens().catch((err) => showTokensError(err.message));
}

// ---- authorized apps (and, for administrators, registered apps) ---------------------------
const appsCard = document.getElementById("apps");
if (appsCard) {
  appsSection(appsCard).catch((err) => showText(appsCard.querySelector("[data-apps-error]"), err.message));
}

// ---- households -----------------------------------------------------------------------
if (document.getElementById("members")) {
  membersSection().catch((err) => showText(document.querySelector("[data-members-error]"), err.message));
}

// ---- backups (administrators) ---------------------------------------------------------
const backupsCard = document.getElementById("backups");
if (backupsCard) {
  backupsSection(backupsCard).catch((err) =>
    showText(backupsCard.querySelector("[data-backups-error]"), err.message),
  );
}
