// Page chrome shared by every page: signing out from the navbar; undo and redo in a book;
// keyboard shortcuts; focus given back when a dialog closes; text fields that state their limits.
import { api } from "./api.js";
import "./focus.js";
import "./keyboard.js";
import "./text-limits.js";
import "./undo.js";

const signOut = document.querySelector("[data-sign-out]");
if (signOut) {
  signOut.addEventListener("click", async () => {
    signOut.disabled = true;
    try {
      await api("DELETE", "/session", undefined, { redirectOn401: false });
    } catch {
      // Already signed out (expired session): the sign-in page is where we go either way.
    }
    window.location.assign("/login");
  });
}
