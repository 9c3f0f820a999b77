// First run: make the administrator's account, signed in at once, and a demo book if asked.
import { api, setCsrfToken } from "../api.js";
import { bindForm, passwordsMatch } from "../forms.js";

bindForm(
  document.getElementById("setup-form"),
  async ({ username, password, demo }) => {
    const signedIn = await api("POST", "/setup", { username, password });
    setCsrfToken(signedIn.csrf_token);
    if (demo) await api("POST", "/demo-books", {});
    window.location.assign("/");
  },
  passwordsMatch("password", "password_confirm"),
);
