// Settings, "You": save the language chosen (none: the computer's or the browser's), then
// show the page again in it, since the server renders the pages' words.
import { api } from "../api.js";
import { bindForm } from "../forms.js";

const form = document.getElementById("language-form");
if (form) {
  bindForm(form, async ({ language }) => {
    await api("PATCH", "/me", { language: language || null });
    window.location.reload();
  });
}
