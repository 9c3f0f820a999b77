// A book's scheduled transactions: make and change them, and enter or skip what they have
// coming up in the next 30 days.
import { api } from "../api.js";
import { formatDate, localDate, today } from "../dates.js";
import { fieldsOf } from "../dom.js";
import { redrawKeepingFocus } from "../focus.js";
import { bindForm, clearErrors, optionalText } from "../forms.js";
import {
  bookOf,
  categoryLabel,
  clearPageError,
  hideWritersControls,
  loadAccounts,
  loadCategories,
  parseTags,
  showPageError,
} from "../ledger.js";
import { formatMoney, formatMoneyInput, parseMoneyInput } from "../money.js";

const UPCOMING_DAYS = 30;
const UNITS = {
  daily: ["day", "days"],
  weekly: ["week", "weeks"],
  monthly: ["month", "months"],
  yearly: ["year", "years"],
};

const root = document.getElementById("schedules-page");
const book = bookOf(root);
const list = document.getElementById("schedules");
const upcomingList = document.getElementById("upcoming");
const heldList = document.getElementById("held-schedules");
const form = document.getElementById("schedule-form");
const status = root.querySelector("[data-page-status]");
const field = fieldsOf(form);
hideWritersControls(root, book);

let schedules = [];
let accounts = new Map();
let categories = new Map();
let editing = null; // the schedule the form changes; null for a new one

function accountName(id) {
  return accounts.get(id)?.name ?? `account ${id}`;
}

/** What a schedule (or an occurrence of it) is called: its name, else its payee. */
function title(item) {
  return item.name || item.payee || "(no payee)";
}

/** "Every month on day 31 (the last day of shorter months), 12 times in all". */
function describeRecurrence({ frequency, interval, start_date: start, end_date: end, count }) {
  const [one, many] = UNITS[frequency] ?? ["time", "times"];
  let text = interval > 1 ? `Every ${interval} ${many}` : `Every ${one}`;
  if (start) {
    const first = localDate(start);
    if (frequency === "weekly") {
      text += ` on ${first.toLocaleDateString(undefined, { weekday: "long" })}`;
    } else if (frequency === "monthly") {
      text += ` on day ${first.getDate()}`;
      if (first.getDate() > 28) text += " (the last day of shorter months)";
    } else if (frequency === "yearly") {
      text += ` on ${first.toLocaleDateString(undefined, { day: "numeric", month: "long" })}`;
    }
  }
  if (end) text += `, until ${formatDate(end)}`;
  else if (count) text += `, ${count} time${Number(count) === 1 ? "" : "s"} in all`;
  return text;
}

function describeDetail(schedule) {
  const parts = [];
  if (schedule.name && schedule.payee) parts.push(schedule.payee);
  if (schedule.transfer_account_id !== null) {
    parts.push(`transfer to ${accountName(schedule.transfer_account_id)}`);
  } else if (schedule.category_id !== null) {
    const category = categories.get(schedule.category_id);
    parts.push(category ? categoryLabel(category) : "(a deleted category)");
  }
  if (schedule.memo) parts.push(schedule.memo);
  if (schedule.tags.length) parts.push(`tags: ${schedule.tags.join(", ")}`);
  return parts.join(" · ");
}

function onActions(row, actions) {
  if (!book.canWrite) {
    for (const el of row.querySelectorAll("[data-writer]")) el.remove();
  }
  row.addEventListener("click", async (event) => {
    const button = event.target.closest("[data-action]");
    if (!button) return;
    clearPageError(root);
    status.classList.add("d-none");
    button.disabled = true;
    try {
      await actions[button.dataset.action]();
    } catch (err) {
      showPageError(root, err);
    }
    await refresh().catch((err) => showPageError(root, err));
  });
}

function scheduleRow(schedule) {
  const row = document.getElementById("schedule-row").content.firstElementChild.cloneNode(true);
  row.dataset.scheduleId = schedule.id;
  row.querySelector("[data-name]").textContent = title(schedule);
  row.querySelector("[data-detail]").textContent = describeDetail(schedule);
  row.querySelector("[data-account]").textContent = accountName(schedule.account_id);
  row.querySelector("[data-amount]").textContent = formatMoney(schedule.amount, schedule.currency);
  row.querySelector("[data-how]").textContent = describeRecurrence(schedule);
  row.querySelector("[data-next]").textContent = schedule.next_date
    ? formatDate(schedule.next_date)
    : "finished";
  row.querySelector("[data-auto]").classList.toggle("d-none", !schedule.auto_enter);
  onActions(row, {
    edit: async () => openForm(schedule),
    delete: async () => {
      const question = `Delete the schedule “${title(schedule)}”? What it entered stays.`;
      if (!window.confirm(question)) return;
      await api("DELETE", book.path(`/schedules/${schedule.id}`), undefined, {
        headers: { "If-Match": schedule.etag },
      });
      if (editing?.id === schedule.id) closeForm();
    },
  });
  return row;
}

/** The notice of an auto-enter schedule with more overdue than it enters by itself: the user
 * enters them all, or skips them, in one go. */
function heldNotice(schedule) {
  const notice = document.getElementById("held-notice").content.firstElementChild.cloneNode(true);
  const count = schedule.overdue.toLocaleString();
  notice.dataset.scheduleId = schedule.id;
  notice.querySelector("[data-name]").textContent = title(schedule);
  notice.querySelector("[data-text]").textContent =
    `${count} occurrences are overdue, since ${formatDate(schedule.next_date)}: more than ` +
    "Tallybook enters by itself, so they wait for you.";
  notice.querySelector('[data-action="enter-all"]').textContent = `Enter all ${count}`;
  const path = book.path(`/schedules/${schedule.id}`);
  onActions(notice, {
    "enter-all": async () => {
      const question = `Enter ${count} transactions of “${title(schedule)}” into ${accountName(schedule.account_id)}?`;
      if (!window.confirm(question)) return;
      await api("POST", `${path}/enter`, { until: today() });
      status.textContent = `Entered ${count} transactions of ${title(schedule)}.`;
      status.classList.remove("d-none");
    },
    "skip-all": async () => {
      await api("POST", `${path}/skip`, { until: today() });
    },
  });
  return notice;
}

function upcomingRow(item) {
  const row = document.getElementById("upcoming-row").content.firstElementChild.cloneNode(true);
  row.dataset.scheduleId = item.schedule_id;
  row.dataset.date = item.date;
  row.querySelector("[data-date]").textContent = formatDate(item.date);
  row.querySelector("[data-overdue]").classList.toggle("d-none", item.date >= today());
  row.querySelector("[data-name]").textContent = title(item);
  row.querySelector("[data-auto]").classList.toggle("d-none", !item.auto_enter);
  row.querySelector("[data-account]").textContent = accountName(item.account_id);
  row.querySelector("[data-amount]").textContent = formatMoney(item.amount, item.currency);
  const path = book.path(`/schedules/${item.schedule_id}`);
  onActions(row, {
    enter: async () => {
      const entered = await api("POST", `${path}/enter`, { date: item.date });
      status.textContent = `Entered ${title(item)} of ${formatDate(entered.date)} in ${accountName(entered.account_id)}.`;
      status.classList.remove("d-none");
    },
    skip: async () => {
      await api("POST", `${path}/skip`, { date: item.date });
    },
  });
  return row;
}

async function refresh() {
  list.setAttribute("aria-busy", "true");
  upcomingList.setAttribute("aria-busy", "true");
  const [all, coming] = await Promise.all([
    api("GET", book.path("/schedules")),
    api("GET", book.path(`/schedules/upcoming?days=${UPCOMING_DAYS}`)),
  ]);
  schedules = all.items;
  redrawKeepingFocus(list, () => list.replaceChildren(...schedules.map(scheduleRow)));
  redrawKeepingFocus(heldList, () =>
    heldList.replaceChildren(...schedules.filter((s) => s.auto_enter_held).map(heldNotice)),
  );
  redrawKeepingFocus(upcomingList, () => upcomingList.replaceChildren(...coming.items.map(upcomingRow)));
  document.getElementById("no-schedules").classList.toggle("d-none", schedules.length > 0);
  document.getElementById("no-upcoming").classList.toggle("d-none", coming.items.length > 0);
  list.setAttribute("aria-busy", "false");
  upcomingList.setAttribute("aria-busy", "false");
}

// --- the form ------------------------------------------------------------------------------

/** Fill the account and category choices: the open ones, and those the schedule uses. */
function fillChoices(schedule) {
  const usable = [...accounts.values()].filter(
    (a) => !a.archived || a.id === schedule?.account_id || a.id === schedule?.transfer_account_id,
  );
  field("account_id").replaceChildren(...usable.map((a) => new Option(a.name, a.id)));
  field("transfer_account_id").replaceChildren(
    new Option("not a transfer", ""),
    ...usable.map((a) => new Option(a.name, a.id)),
  );
  field("category_id").replaceChildren(
    new Option("none", ""),
    ...[...categories.values()]
      .filter((c) => !c.archived || c.id === schedule?.category_id)
      .map((c) => new Option(categoryLabel(c), c.id)),
  );
}

function showEnds() {
  const ends = field("ends").value;
  field("end_date").parentElement.classList.toggle("d-none", ends !== "date");
  field("count").parentElement.classList.toggle("d-none", ends !== "count");
  describe();
}

function describe() {
  const ends = field("ends").value;
  form.querySelector("[data-describe]").textContent = describeRecurrence({
    frequency: field("frequency").value,
    interval: Number(field("interval").value) || 1,
    start_date: field("start_date").value,
    end_date: ends === "date" ? field("end_date").value : null,
    count: ends === "count" ? field("count").value : null,
  });
}

function openForm(schedule = null) {
  editing = schedule;
  clearErrors(form);
  form.reset();
  fillChoices(schedule);
  form.querySelector("[data-form-title]").textContent = schedule
    ? `Edit “${title(schedule)}”`
    : "New schedule";
  field("start_date").value = today();
  if (schedule) {
    field("name").value = schedule.name ?? "";
    field("account_id").value = schedule.account_id;
    field("amount").value = formatMoneyInput(schedule.amount, schedule.currency);
    field("payee").value = schedule.payee ?? "";
    field("category_id").value = schedule.category_id ?? "";
    field("transfer_account_id").value = schedule.transfer_account_id ?? "";
    field("memo").value = schedule.memo;
    field("tags").value = schedule.tags.join(", ");
    field("interval").value = schedule.interval;
    field("frequency").value = schedule.frequency;
    field("start_date").value = schedule.start_date;
    field("ends").value = schedule.end_date ? "date" : schedule.count ? "count" : "never";
    field("end_date").value = schedule.end_date ?? "";
    field("count").value = schedule.count ?? "";
    field("auto_enter").checked = schedule.auto_enter;
  }
  showEnds();
  form.classList.remove("d-none");
  field(schedule ? "name" : "amount").focus();
}

function closeForm() {
  editing = null;
  form.classList.add("d-none");
}

/** The form as the API's schedule: empty optional fields are null. */
function scheduleBody(values) {
  const id = (text) => (text ? Number(text) : null);
  return {
    name: optionalText(values.name),
    account_id: id(values.account_id),
    amount: parseMoneyInput(values.amount),
    payee: optionalText(values.payee),
    category_id: id(values.category_id),
    transfer_account_id: id(values.transfer_account_id),
    memo: values.memo.trim(),
    tags: parseTags(values.tags),
    frequency: values.frequency,
    interval: values.interval.trim() ? Number(values.interval) : 1,
    start_date: values.start_date || null,
    end_date: values.ends === "date" ? values.end_date : null,
    count: values.ends === "count" ? Number(values.count) : null,
    auto_enter: field("auto_enter").checked,
  };
}

/** What is missing before the server is asked (it checks everything else). */
function check(values) {
  const problems = [];
  if (values.ends === "date" && !values.end_date) problems.push(["end_date", "Choose the last day."]);
  if (values.ends === "count" && !values.count.trim()) {
    problems.push(["count", "Say how many times in all."]);
  }
  return problems;
}

bindForm(
  form,
  async (values) => {
    const body = scheduleBody(values);
    if (editing) {
      await api("PATCH", book.path(`/schedules/${editing.id}`), body, {
        headers: { "If-Match": editing.etag },
      });
    } else {
      await api("POST", book.path("/schedules"), body);
    }
    closeForm();
    await refresh();
  },
  check,
);
form.querySelector('[data-action="cancel"]').addEventListener("click", closeForm);
form.addEventListener("keydown", (event) => {
  if (event.key === "Escape") closeForm();
});
field("ends").addEventListener("change", showEnds);
for (const name of ["frequency", "interval", "start_date", "end_date", "count"]) {
  field(name).addEventListener("input", describe);
}
document.getElementById("new-schedule").addEventListener("click", () => openForm());

async function start() {
  try {
    const [accountList, categoryList] = await Promise.all([loadAccounts(book), loadCategories(book)]);
    accounts = new Map(accountList.map((a) => [a.id, a]));
    categories = new Map(categoryList.map((c) => [c.id, c]));
    await refresh();
  } catch (err) {
    showPageError(root, err);
  }
}

start();
