// The registration page: make an account and sign in with it (while the administrator keeps
// registration open; the form is not there otherwise).
import { api } from "../api.js";
import { bindForm, passwordsMatch } from "../forms.js";

const form = document.getElementById("register-form");
if (form) {
  bindForm(
    form,
    async ({ username, password }) => {
      await api("POST", "/users", { username, password });
      window.location.assign("/");
    },
    passwordsMatch("password", "password_confirm"),
  );
}
