// First run: make the administrator's account, signed in at once, and a demo book if asked
// (then the overview opens on it).
import { api, setCsrfToken } from "../api.js";
import { bindForm, passwordsMatch } from "../forms.js";

bindForm(
  document.getElementById("setup-form"),
  async ({ username, password, demo }) => {
    const signedIn = await api("POST", "/setup", { username, password });
    setCsrfToken(signedIn.csrf_token);
    const made = demo ? await api("POST", "/demo-books", {}) : null;
    window.location.assign(made ? `/?book=${made.id}` : "/");
  },
  passwordsMatch("password", "password_confirm"),
);
