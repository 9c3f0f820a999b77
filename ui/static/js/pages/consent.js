// The consent page: send the user's answer, then follow the app's redirect URI with it.
import { api } from "../api.js";
import { clearErrors, showProblem } from "../forms.js";
import { t } from "../i18n.js";
import { canWrite } from "../ledger.js";

const form = document.getElementById("consent-form");
const bookSelect = document.getElementById("consent-book");
const viewerNote = document.querySelector("[data-viewer-note]");

const writeScope = document.querySelector('[data-scope="write"]');

// A viewer can let the app read, no more: say so, and do not promise writing.
function showViewerNote() {
  if (!viewerNote || !(bookSelect instanceof HTMLSelectElement)) return;
  const role = bookSelect.selectedOptions[0]?.dataset.role;
  viewerNote.hidden = canWrite(role);
  if (writeScope) writeScope.hidden = !canWrite(role);
}

function handedOffNote(allow) {
  const note = document.createElement("div");
  note.setAttribute("role", "status");
  note.dataset.handedOff = allow ? "allowed" : "denied";
  const text = document.createElement("p");
  text.textContent = allow
    ? t("Allowed. The app gets its answer through your browser.")
    : t("Denied. The app is told through your browser.");
  const home = document.createElement("a");
  home.href = "/";
  home.className = "btn btn-primary";
  home.textContent = t("Back to your books");
  note.append(text, home);
  return note;
}

async function answer(allow, button) {
  clearErrors(form);
  const body = { allow };
  if (allow) body.book_id = Number.parseInt(bookSelect.value, 10);
  for (const each of form.querySelectorAll("[data-decision]")) each.disabled = true;
  try {
    const result = await api("POST", `/oauth/authorize${window.location.search}`, body, {
      root: "",
    });
    if (result.handed_off) {
      // Asked in the window for a waiting browser: the answer goes back through that browser.
      form.replaceChildren(handedOffNote(allow));
      return;
    }
    button.textContent = allow ? t("Allowed: returning to the app…") : t("Denied");
    window.location.assign(result.redirect_to);
  } catch (err) {
    showProblem(form, err);
    for (const each of form.querySelectorAll("[data-decision]")) each.disabled = false;
  }
}

for (const button of form.querySelectorAll("[data-decision]")) {
  button.addEventListener("click", () => answer(button.dataset.decision === "allow", button));
}
if (bookSelect instanceof HTMLSelectElement) bookSelect.addEventListener("change", showViewerNote);
showViewerNote();
