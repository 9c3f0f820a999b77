// The sign-in page: sign in, then go on to where the user was going (on this site only).
import { api } from "../api.js";
import { bindForm, safeNext } from "../forms.js";

bindForm(document.getElementById("login-form"), async ({ username, password }) => {
  await api("POST", "/session", { username, password }, { redirectOn401: false });
  window.location.assign(safeNext());
});
