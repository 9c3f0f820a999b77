// Reconciling the register's account against a bank statement: a dialog takes the statement's
// date and ending balance; while a reconciliation is open a bar compares the statement with the
// cleared balance on that date, updated each time the register changes (ticking a row cleared
// is the register's own status toggle), and finishes it when they agree, or with an adjustment.
import { api } from "../api.js";
import { formatDate, formatTimestamp, today } from "../dates.js";
import { cell } from "../dom.js";
import { bindForm, clearErrors } from "../forms.js";
import { t } from "../i18n.js";
import { formatMoney, parseMoneyInput } from "../money.js";

function isZero(amount) {
  return /^-?0*\.?0*$/.test(amount);
}

export class Reconciler {
  /** `onFinished()` runs once the rows changed status (finished with or without adjustment). */
  constructor(book, root, accountId, currency, onFinished) {
    this.book = book;
    this.currency = currency;
    this.onFinished = onFinished;
    this.path = book.path(`/accounts/${accountId}/reconciliations`);
    this.current = null;
    this.bar = root.querySelector("[data-reconcile-bar]");
    this.startButton = root.querySelector("[data-reconcile]");
    this.form = document.getElementById("reconcile-form");
    this.dialog = window.bootstrap.Modal.getOrCreateInstance("#reconcile-dialog");
    this.history = window.bootstrap.Modal.getOrCreateInstance("#reconcile-history");
    this.startButton.addEventListener("click", () => this.openDialog());
    root
      .querySelector("[data-reconcile-history]")
      .addEventListener("click", () => this.showHistory().catch((err) => this.fail(err)));
    this.bar.querySelector("[data-rec-finish]").addEventListener("click", () => this.finish(false));
    this.bar.querySelector("[data-rec-adjust]").addEventListener("click", () => this.finish(true));
    this.bar.querySelector("[data-rec-cancel]").addEventListener("click", () => this.cancel());
    bindForm(this.form, (values) => this.start(values));
    document
      .getElementById("reconcile-dialog")
      .addEventListener("shown.bs.modal", () => this.form.elements.statement_balance.focus());
  }

  /** Read the open reconciliation again (its figures follow the rows) and show it. */
  async refresh() {
    const { items } = await api("GET", `${this.path}?state=open`);
    this.current = items[0] ?? null;
    this.show();
  }

  show() {
    const open = this.current;
    this.bar.classList.toggle("d-none", !open);
    this.startButton.classList.toggle("d-none", Boolean(open) || !this.book.canWrite);
    if (!open) return;
    const value = (name) => this.bar.querySelector(`[data-rec="${name}"]`);
    value("statement_date").textContent = formatDate(open.statement_date);
    for (const name of ["statement_balance", "cleared_balance", "difference"]) {
      value(name).textContent = formatMoney(open[name], this.currency);
    }
    const agrees = isZero(open.difference);
    value("difference").classList.toggle("text-success", agrees);
    value("difference").classList.toggle("text-danger", !agrees);
    this.bar.querySelector("[data-rec-finish]").disabled = !agrees;
    const adjust = this.bar.querySelector("[data-rec-adjust]");
    adjust.classList.toggle("d-none", agrees);
    adjust.textContent = t("Finish with adjustment of {amount}", {
      amount: formatMoney(open.difference, this.currency),
    });
  }

  openDialog() {
    this.form.reset();
    clearErrors(this.form);
    this.form.elements.statement_date.value = today();
    this.dialog.show();
  }

  async start(values) {
    this.current = await api("POST", this.path, {
      statement_date: values.statement_date,
      statement_balance: parseMoneyInput(values.statement_balance),
    });
    this.dialog.hide();
    this.show();
  }

  async finish(adjust) {
    const url = `${this.path}/${this.current.id}/finish`;
    await this.act(async () => {
      await api("POST", url, { adjust }, { headers: { "If-Match": this.current.etag } });
      this.current = null;
      this.show();
      await this.onFinished();
    });
  }

  async cancel() {
    if (!window.confirm(t("Stop reconciling? The rows keep the statuses you gave them."))) return;
    await this.act(async () => {
      await api("DELETE", `${this.path}/${this.current.id}`);
      this.current = null;
      this.show();
    });
  }

  /** Run a change of the bar's buttons; a refusal shows in the bar and the figures reload. */
  async act(change) {
    const error = this.bar.querySelector("[data-rec-error]");
    error.classList.add("d-none");
    const buttons = [...this.bar.querySelectorAll("button")];
    const disabled = buttons.map((b) => b.disabled);
    for (const b of buttons) b.disabled = true;
    try {
      await change();
    } catch (err) {
      this.fail(err);
      await this.refresh().catch(() => {});
    } finally {
      buttons.forEach((b, i) => {
        b.disabled = disabled[i];
      });
      if (this.current) this.show();
    }
  }

  fail(err) {
    const error = this.bar.querySelector("[data-rec-error]");
    error.textContent = err.message;
    error.classList.remove("d-none");
  }

  async showHistory() {
    const { items } = await api("GET", `${this.path}?limit=500`);
    const body = document.querySelector("[data-history-rows]");
    body.replaceChildren(
      ...items.reverse().map((r) => {
        const row = document.createElement("tr");
        const balance = cell(formatMoney(r.statement_balance, this.currency), {
          className: "text-end money",
        });
        const off = r.state === "finished" && !isZero(r.difference);
        if (off)
          balance.title = t("Changed since: {amount} off", {
            amount: formatMoney(r.difference, this.currency),
          });
        row.append(
          cell(formatDate(r.statement_date)),
          balance,
          cell(r.state === "open" ? t("Open") : off ? t("Finished, changed since") : t("Finished")),
          cell(r.finished_by ?? r.started_by),
          cell(formatTimestamp(r.finished_at ?? r.started_at, { withTime: false })),
          cell(r.adjustment_id ? t("Yes") : "", { className: "text-end" }),
        );
        row.classList.toggle("table-warning", off);
        return row;
      }),
    );
    document.querySelector("[data-history-empty]").classList.toggle("d-none", items.length > 0);
    this.history.show();
  }
}
