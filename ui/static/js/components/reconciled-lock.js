// Reconciled rows are locked: the server refuses a change of their amount, date, account or
// status, or their deletion (409, code "reconciled"), naming the statement it would break. The
// person is asked, and the write goes again unlocked only if they say so.
import { formatDate } from "../dates.js";
import { t } from "../i18n.js";
import { formatMoney } from "../money.js";

/** The question for a refusal: which statement the row was reconciled with. */
function question(problem, doing) {
  const statement = problem.reconciliation;
  if (!statement) return t("This row is reconciled. {question}", { question: doing });
  const balance = formatMoney(statement.statement_balance, statement.currency);
  const day = formatDate(statement.statement_date);
  return t("This row was reconciled with the statement of {day} ({balance}). {question}", {
    day,
    balance,
    question: doing,
  });
}

/**
 * Run `send(unlock)` locked; when a reconciled row refuses it, ask (naming the statement) and
 * run `send(true)`. Resolves true once sent, false if the person kept the row as it is.
 */
export async function sendUnlockingIfAsked(send, doing = t("Change it anyway?")) {
  try {
    await send(false);
  } catch (err) {
    if (err.status !== 409 || err.problem?.code !== "reconciled") throw err;
    if (!window.confirm(question(err.problem, doing))) return false;
    await send(true);
  }
  return true;
}
