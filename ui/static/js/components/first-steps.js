// An empty book's first steps on the home page (add an account, import a file, load the demo),
// and the demo book made from there or from "no books".
import { api } from "../api.js";
import { canWrite } from "../ledger.js";

const steps = document.getElementById("first-steps");

/** Make every "load the demo" button make a demo book (in the currency it names, if any) and
 * show it in the overview; `showError(message)` tells what went wrong. */
export function offerDemo(showError) {
  for (const button of document.querySelectorAll("[data-load-demo]")) {
    button.addEventListener("click", async () => {
      button.disabled = true;
      showError("");
      try {
        const { currency } = button.dataset;
        const demo = await api("POST", "/demo-books", currency ? { currency } : {});
        window.location.assign(`/?book=${demo.id}`);
      } catch (err) {
        showError(err.message);
        button.disabled = false;
      }
    });
  }
}

/** Show the first steps of `book` (or hide them: null); viewers are offered the demo only. */
export function showFirstSteps(book) {
  steps.classList.toggle("d-none", !book);
  if (!book) return;
  for (const step of steps.querySelectorAll("[data-writer-step]")) {
    step.classList.toggle("d-none", !canWrite(book.role));
  }
  steps.querySelector('[data-first-step="account"]').href = `/books/${book.id}#new-account`;
  steps.querySelector('[data-first-step="import"]').href = `/books/${book.id}/import`;
  steps.querySelector("[data-load-demo]").dataset.currency = book.currency;
}
