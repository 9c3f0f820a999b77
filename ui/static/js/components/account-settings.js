// The account's own details in the register: rename, change its type or opening balance,
// archive it, or delete it (the server refuses while transactions use it, and says so).
import { api } from "../api.js";
import { fieldsOf } from "../dom.js";
import { bindForm, clearErrors, showProblem, withFarDate } from "../forms.js";
import { t } from "../i18n.js";
import { formatMoneyInput, parseMoneyInput } from "../money.js";

/** Wire the account dialog; `onSaved(account)` runs after a change. */
export function accountSettings(book, accountId, onSaved) {
  const element = document.getElementById("account-dialog");
  const form = document.getElementById("account-settings-form");
  const field = fieldsOf(form);
  const modal = window.bootstrap.Modal.getOrCreateInstance(element);
  const path = book.path(`/accounts/${accountId}`);
  let account = null;

  async function open() {
    account = await api("GET", path);
    form.reset();
    field("name").value = account.name;
    field("type").value = account.type;
    field("opening_balance").value = formatMoneyInput(account.opening_balance, account.currency);
    field("opening_date").value = account.opening_date;
    field("archived").checked = account.archived;
    clearErrors(form);
    modal.show();
  }

  bindForm(form, async (values) => {
    const wanted = {
      name: values.name,
      type: values.type,
      opening_balance: parseMoneyInput(values.opening_balance),
      opening_date: values.opening_date,
      archived: field("archived").checked,
    };
    const body = Object.fromEntries(
      Object.entries(wanted).filter(([name, value]) =>
        name === "opening_balance"
          ? value !== parseMoneyInput(formatMoneyInput(account.opening_balance, account.currency))
          : value !== account[name],
      ),
    );
    if (Object.keys(body).length) {
      account = await api("PATCH", path, withFarDate(form, body), {
        headers: { "If-Match": account.etag },
      });
      await onSaved(account);
    }
    modal.hide();
  });

  form.querySelector("[data-delete-account]").addEventListener("click", async () => {
    if (!window.confirm(t("Delete the account “{name}”?", { name: account.name }))) return;
    clearErrors(form);
    try {
      await api("DELETE", path, undefined, { headers: { "If-Match": account.etag } });
      window.location.assign(book.path());
    } catch (err) {
      showProblem(form, err);
    }
  });

  element.addEventListener("shown.bs.modal", () => field("name").focus());
  return open;
}
