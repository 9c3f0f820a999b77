// Settings › This computer: "Sign in automatically on this computer". The server says whether
// it may be turned on here (the desktop window of a one-person install) and, if not, why.
import { api } from "../api.js";
import { showText } from "../dom.js";

const PATH = "/me/automatic-sign-in";

export async function automaticSignInSection(card) {
  const toggle = card.querySelector("#automatic-sign-in-on");
  const why = card.querySelector("[data-automatic-sign-in-why]");
  const errorBox = card.querySelector("[data-automatic-sign-in-error]");

  function show(state) {
    toggle.checked = state.on;
    // Turning it off is always allowed; turning it on only where it is offered.
    toggle.disabled = !state.available && !state.on;
    showText(why, state.unavailable_because || "");
  }

  toggle.addEventListener("change", async () => {
    showText(errorBox, "");
    toggle.disabled = true;
    try {
      if (toggle.checked) {
        show(await api("PUT", PATH));
      } else {
        await api("DELETE", PATH);
        show(await api("GET", PATH));
      }
    } catch (err) {
      toggle.checked = !toggle.checked;
      toggle.disabled = false;
      showText(errorBox, err.message);
    }
  });

  show(await api("GET", PATH));
}
