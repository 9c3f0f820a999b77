// A category's budget goal in a dialog: its kind, amount and (for a balance to save up) the
// month to have it by; save it, or remove it. The server checks it and says what is wrong.
import { api } from "../api.js";
import { fieldsOf } from "../dom.js";
import { bindForm, clearErrors, showProblem } from "../forms.js";
import { t } from "../i18n.js";
import { formatMoneyInput, parseMoneyInput } from "../money.js";

/** Wire the goal dialog of `book`; returns `open(line, currency)`; `onSaved()` runs after a change. */
export function goalDialog(book, onSaved) {
  const element = document.getElementById("goal-dialog");
  const form = document.getElementById("goal-form");
  const field = fieldsOf(form);
  const modal = window.bootstrap.Modal.getOrCreateInstance(element);
  const remove = form.querySelector("[data-remove-goal]");
  let path = null;

  // Only a balance to save up has a month to have it by.
  function showMonth() {
    field("by_month")
      .closest("div")
      .classList.toggle("d-none", field("kind").value !== "target");
  }
  field("kind").addEventListener("change", showMonth);

  function open(line, currency) {
    path = book.path(`/categories/${line.category_id}/goal`);
    form.reset();
    clearErrors(form);
    document.getElementById("goal-dialog-title").textContent = t("Goal for {name}", { name: line.name });
    const goal = line.goal;
    field("kind").value = goal?.kind ?? "monthly";
    field("amount").value = goal ? formatMoneyInput(goal.amount, currency) : "";
    field("by_month").value = goal?.by_month ?? "";
    remove.classList.toggle("d-none", !goal);
    showMonth();
    modal.show();
  }

  bindForm(form, async (values) => {
    const target = values.kind === "target";
    await api("PUT", path, {
      kind: values.kind,
      amount: parseMoneyInput(values.amount),
      by_month: target && values.by_month.trim() ? values.by_month.trim() : null,
    });
    modal.hide();
    await onSaved();
  });

  remove.addEventListener("click", async () => {
    clearErrors(form);
    try {
      await api("DELETE", path);
      modal.hide();
      await onSaved();
    } catch (err) {
      showProblem(form, err);
    }
  });

  element.addEventListener("shown.bs.modal", () => field("amount").focus());
  return open;
}
