// A browser that is not signed in waits here while the Tallybook window asks the user; then
// it carries the answer to the app.
import { api } from "../api.js";
import { t } from "../i18n.js";

const card = document.getElementById("handoff");
const POLL_MS = 1000;

function showError(message) {
  const box = card.querySelector("[data-handoff-error]");
  box.textContent = message;
  box.classList.remove("d-none");
}

async function poll() {
  try {
    const state = await api("GET", `/oauth/handoff/${encodeURIComponent(card.dataset.handle)}`, undefined, {
      root: "",
      redirectOn401: false,
    });
    if (state.answered) {
      card.querySelector("[data-handoff-status]").textContent = t("Answered: returning to the app…");
      window.location.assign(state.redirect_to);
      return;
    }
  } catch (err) {
    if (err.status === 404) {
      showError(err.message);
      return;
    }
    // Tallybook busy or restarting: keep waiting.
  }
  window.setTimeout(poll, POLL_MS);
}

poll();
