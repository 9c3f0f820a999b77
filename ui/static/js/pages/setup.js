import { api } from "../api.js";
import { bindForm, passwordsMatch } from "../forms.js";

bindForm(
  document.getElementById("setup-form"),
  async ({ username, password }) => {
    await api("POST", "/setup", { username, password });
    window.location.assign("/");
  },
  passwordsMatch("password", "password_confirm"),
);
