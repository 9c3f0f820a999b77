// Forms that submit through the API and show the server's messages next to their fields.
import { ApiError } from "./api.js";

/** Remove every message a form shows (at its fields and in its general alert). */
export function clearErrors(form) {
  for (const el of form.querySelectorAll(".is-invalid")) el.classList.remove("is-invalid");
  form.querySelectorAll("[data-error-for]").forEach(emptySlot);
  const general = form.querySelector("[data-form-error]");
  if (general) {
    general.textContent = "";
    general.classList.add("d-none");
  }
  form.querySelector("[data-form-success]")?.classList.add("d-none");
}

/** Remove the message at one field (and its input's mark). */
export function clearError(form, field) {
  form.querySelector(`[name="${CSS.escape(field)}"]`)?.classList.remove("is-invalid");
  const slot = form.querySelector(`[data-error-for="${CSS.escape(field)}"]`);
  if (slot) emptySlot(slot);
}

function emptySlot(slot) {
  slot.textContent = "";
  slot.classList.remove("d-block");
}

// A date more than a year ahead is refused, at the date and at `confirm_far_date`, until the
// person confirms it: that second problem shows as a "Yes, that date" button under the date's
// message, which marks the form confirmed and sends it again (a form that is no <form>, such as
// a register's row editor, hears "far-date-confirmed" and sends itself).
const FAR_DATE = "confirm_far_date";
const DATE_FIELDS = ["date", "opening_date"];

function offerFarDate(form) {
  const slot = [...form.querySelectorAll("[data-error-for]")].find(
    (el) => DATE_FIELDS.includes(el.dataset.errorFor) && el.textContent,
  );
  if (!slot) return false;
  const button = document.createElement("button");
  button.type = "button";
  button.className = "btn btn-sm btn-outline-warning d-block mt-1";
  button.textContent = "Yes, that date";
  button.dataset.confirmFarDate = "";
  button.addEventListener("click", () => {
    form.dataset.farDateConfirmed = "true";
    if (form instanceof HTMLFormElement) form.requestSubmit();
    else form.dispatchEvent(new CustomEvent("far-date-confirmed"));
  });
  slot.append(button);
  return true;
}

/** The body with `confirm_far_date: true` when the person just confirmed the date (once). */
export function withFarDate(form, body) {
  if (form.dataset.farDateConfirmed !== "true") return body;
  delete form.dataset.farDateConfirmed;
  return { ...body, [FAR_DATE]: true };
}

/** Show one message at its field, or in the form's general alert when there is no such field. */
export function showError(form, field, message) {
  if (field === FAR_DATE && offerFarDate(form)) return;
  const slot = field && form.querySelector(`[data-error-for="${CSS.escape(field)}"]`);
  if (slot) {
    slot.textContent = message;
    // The input of that name, else the one the message sits under (a field shown as another
    // input, e.g. an amount typed as money out or in).
    const input =
      form.querySelector(`[name="${CSS.escape(field)}"]`) ||
      slot.parentElement.querySelector(":scope > input, :scope > select, :scope > textarea");
    if (input) input.classList.add("is-invalid");
    // Bootstrap shows feedback only right after an invalid input: make sure it shows anyway.
    slot.classList.add("d-block");
    return;
  }
  const general = form.querySelector("[data-form-error]");
  general.textContent = general.textContent ? `${general.textContent} ${message}` : message;
  general.classList.remove("d-none");
}

/** Show an API error at the fields it names (or in the general alert) and focus the first. */
export function showProblem(form, err) {
  if (err instanceof ApiError && err.errors.length) {
    for (const e of err.errors) showError(form, e.field, e.message);
  } else {
    showError(form, null, err.message || "Something went wrong.");
  }
  const first = form.querySelector(".is-invalid");
  if (first) first.focus();
}

/** Typed text without its surrounding spaces, or null when nothing is left. */
export function optionalText(text) {
  return text.trim() || null;
}

/** The form's fields as an object of strings. */
export function formValues(form) {
  return Object.fromEntries(new FormData(form).entries());
}

/**
 * Handle a form's submit: `submit(values)` returns a promise; errors land at their fields.
 * `check(values)` may return [field, message] pairs found before asking the server.
 */
export function bindForm(form, submit, check = () => []) {
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearErrors(form);
    const values = formValues(form);
    const local = check(values);
    if (local.length) {
      for (const [field, message] of local) showError(form, field, message);
      form.querySelector(".is-invalid")?.focus();
      return;
    }
    // A form of one field submits on Enter and may have no button.
    const button = form.querySelector('[type="submit"]');
    if (button) button.disabled = true;
    try {
      await submit(values);
    } catch (err) {
      showProblem(form, err);
    } finally {
      if (button) button.disabled = false;
    }
  });
}

/** A check that two password fields match. */
export function passwordsMatch(field, confirmField) {
  return (values) =>
    values[field] === values[confirmField] ? [] : [[confirmField, "The passwords do not match."]];
}

/** Only follow a `next` that stays on this server (no open redirect). */
export function safeNext(fallback = "/") {
  const next = new URLSearchParams(window.location.search).get("next");
  if (!next?.startsWith("/")) return fallback;
  // Resolved as the browser will resolve it: it drops tabs and newlines and reads "\" as "/",
  // so "/<tab>/evil.example" would leave the site however it is spelled.
  let url;
  try {
    url = new URL(next, window.location.origin);
  } catch {
    return fallback;
  }
  return url.origin === window.location.origin ? url.pathname + url.search + url.hash : fallback;
}
