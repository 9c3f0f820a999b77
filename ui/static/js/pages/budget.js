// A book's budget, one month at a time: type an amount into a category and every figure of
// the month follows; fill the month from the last one (or an average, or what the goals
// need); switch rollover; give a category a goal and see what it still needs.
import { api } from "../api.js";
import { goalDialog } from "../components/goal-dialog.js";
import { today } from "../dates.js";
import { redrawKeepingFocus } from "../focus.js";
import { listShortcut } from "../keyboard.js";
import { bookOf, clearPageError, hideWritersControls, showPageError } from "../ledger.js";
import { formatMoney, formatMoneyInput, parseMoneyInput } from "../money.js";
import { addMonths, lastDay, monthName } from "../months.js";

const root = document.getElementById("budget-page");
const book = bookOf(root);
const body = document.querySelector("#budget tbody");
hideWritersControls(root, book);

/** The month shown: the address's `?month=YYYY-MM`, else this month. */
function shownMonth() {
  const asked = new URLSearchParams(window.location.search).get("month");
  return /^\d{4}-(0[1-9]|1[0-2])$/.test(asked ?? "") ? asked : today().slice(0, 7);
}

const month = shownMonth();
let shown = null; // the month's budget as the API answered it
const openGoal = goalDialog(book, () => load());

function money(amount) {
  return formatMoney(amount, shown.currency);
}

function groupRow(group) {
  const row = document.getElementById("group-row").content.firstElementChild.cloneNode(true);
  row.querySelector("[data-name]").textContent = group.name;
  row.querySelector("[data-budgeted]").textContent = money(group.budgeted);
  row.querySelector("[data-activity]").textContent = money(group.activity);
  row.querySelector("[data-available]").textContent = money(group.available);
  return row;
}

function lineRow(line) {
  const row = document.getElementById("line-row").content.firstElementChild.cloneNode(true);
  row.dataset.categoryId = line.category_id;
  const name = row.querySelector("[data-name]");
  name.textContent = line.name;
  // What makes up the activity: the category's transactions of the month.
  name.href = `/books/${book.id}/transactions?${new URLSearchParams({
    category: line.category_id,
    date_from: `${month}-01`,
    date_to: lastDay(month),
  })}`;
  const input = row.querySelector("[data-budgeted]");
  input.value = formatMoneyInput(line.budgeted, shown.currency);
  input.setAttribute("aria-label", `Budgeted for ${line.name}`);
  input.readOnly = !book.canWrite;
  input.addEventListener("change", () => saveAmount(line, input));
  input.addEventListener("keydown", (event) => {
    // As in a spreadsheet: Enter and the arrows go down (or up) the column, and leaving the
    // amount saves it; at the column's end Enter saves it in place (the browser's own change).
    const step = { Enter: 1, ArrowDown: 1, ArrowUp: -1 }[event.key];
    if (step && !event.ctrlKey && !event.metaKey) {
      const column = [...body.querySelectorAll("[data-budgeted]")];
      const next = column[column.indexOf(input) + step];
      if (next) {
        event.preventDefault();
        next.focus();
      }
    }
    if (event.key === "Escape") {
      input.value = formatMoneyInput(line.budgeted, shown.currency);
      input.blur();
    }
  });
  const rollover = row.querySelector("[data-rollover]");
  rollover.checked = line.rollover;
  rollover.disabled = !book.canWrite;
  rollover.setAttribute("aria-label", `Roll over what is left of ${line.name}`);
  rollover.addEventListener("change", () => setRollover(line, rollover));
  row.querySelector("[data-activity]").textContent = money(line.activity);
  const available = row.querySelector("[data-available]");
  available.textContent = money(line.available);
  available.classList.add(
    line.overspent ? "text-bg-danger" : Number(line.available) > 0 ? "text-bg-success" : "text-bg-secondary",
  );
  if (line.overspent) {
    available.title = "Overspent";
    row.classList.add("table-danger");
  }
  if (Number(line.carried) !== 0) available.title = `${money(line.carried)} carried from earlier months`;
  showGoal(row, line);
  return row;
}

/** What a goal asks for, in words: "€400.00 a month", "€1,200.00 by Dec 2026"… */
function goalText(goal) {
  if (goal.kind === "monthly") return `${money(goal.amount)} a month`;
  if (goal.kind === "spend_up_to") return `Spend up to ${money(goal.amount)}`;
  return goal.by_month
    ? `${money(goal.amount)} by ${monthName(goal.by_month, true)}`
    : `${money(goal.amount)} saved`;
}

/** The goal cell: what the goal is (a click changes it), what it still needs, how far it is. */
function showGoal(row, line) {
  const button = row.querySelector("[data-goal]");
  const status = row.querySelector("[data-goal-status]");
  const goal = line.goal;
  button.textContent = goal ? goalText(goal) : "Set goal";
  button.classList.toggle("text-body-secondary", !goal);
  // The name starts with the visible words, so that speaking them finds the button.
  button.setAttribute(
    "aria-label",
    goal ? `${button.textContent}: change the goal of ${line.name}` : `Set goal for ${line.name}`,
  );
  if (book.canWrite) button.addEventListener("click", () => openGoal(line, shown.currency));
  else if (goal) button.disabled = true;
  else button.classList.add("d-none");
  if (!goal) return;
  let done;
  if (goal.kind === "spend_up_to") {
    const over = Number(goal.spending_left) < 0;
    status.textContent = over
      ? `${money(goal.spending_left.slice(1))} over`
      : `${money(goal.spending_left)} left`;
    status.classList.add(over ? "text-bg-danger" : "text-bg-light");
    done = (Number(goal.amount) - Number(goal.spending_left)) / Number(goal.amount);
  } else {
    const short = Number(goal.underfunded) > 0;
    status.textContent = short ? `Needs ${money(goal.underfunded)}` : "Funded";
    status.classList.add(short ? "text-bg-warning" : "text-bg-success");
    done = Number(goal.needed) ? 1 - Number(goal.underfunded) / Number(goal.needed) : 1;
  }
  status.dataset.goalStatus = goal.kind;
  const progress = row.querySelector("[data-goal-progress]");
  const percent = Math.round(Math.min(Math.max(done, 0), 1) * 100);
  progress.classList.remove("d-none");
  progress.setAttribute("aria-label", `Goal of ${line.name}: ${percent}%`);
  progress.setAttribute("aria-valuenow", String(percent));
  progress.firstElementChild.style.width = `${percent}%`;
  progress.firstElementChild.classList.toggle("bg-danger", goal.kind === "spend_up_to" && done > 1);
}

/** Available to budget, part by part, so that the figure explains itself. */
function showParts() {
  const parts = shown.available_to_budget_parts;
  const name = monthName(month);
  const labels = {
    income_before: `Income before ${name}`,
    budgeted_before: `− budgeted before ${name}`,
    income: `+ income in ${name}`,
    budgeted: `− budgeted in ${name}`,
  };
  const table = document.getElementById("to-budget-parts");
  for (const [part, label] of Object.entries(labels)) {
    table.querySelector(`[data-label="${part}"]`).textContent = label;
    table.querySelector(`[data-part="${part}"]`).textContent = money(parts[part]);
  }
  table.querySelector('[data-part="available"]').textContent = money(shown.available_to_budget);
  const later = document.getElementById("budgeted-later");
  later.textContent = Number(parts.budgeted_later)
    ? `${money(parts.budgeted_later)} is budgeted in later months: it comes out of this when they come.`
    : "";
  later.classList.toggle("d-none", !Number(parts.budgeted_later));
}

function render() {
  const title = monthName(month);
  document.getElementById("month-title").textContent = title;
  // The page, then the month it shows, then the book: "Budget · March 2025 · Home · Tallybook".
  document.title = `Budget · ${title} · ${document.title.split(" · ").slice(-2).join(" · ")}`;
  document.getElementById("previous-month").href = `?month=${addMonths(month, -1)}`;
  document.getElementById("next-month").href = `?month=${addMonths(month, 1)}`;
  const left = document.getElementById("available-to-budget");
  left.textContent = money(shown.available_to_budget);
  left.classList.toggle("text-danger", Number(shown.available_to_budget) < 0);
  showParts();
  const notes = [];
  if (Number(shown.uncategorized))
    notes.push(`${money(shown.uncategorized)} spent without a category is not in the budget.`);
  if (shown.other_currencies.length)
    notes.push(
      `Accounts in ${shown.other_currencies.join(", ")} are not in the budget (it is in ${shown.currency}).`,
    );
  document.getElementById("budget-notes").textContent = notes.join(" ");
  redrawKeepingFocus(body, () =>
    body.replaceChildren(...shown.groups.flatMap((group) => [groupRow(group), ...group.lines.map(lineRow)])),
  );
  document.getElementById("total-budgeted").textContent = money(shown.budgeted);
  document.getElementById("total-activity").textContent = money(shown.activity);
  const toFund = Number(shown.to_fund) ? money(shown.to_fund) : "";
  document.getElementById("to-fund").textContent = toFund ? `${toFund} to fund all goals` : "";
  document.getElementById("fill-underfunded-amount").textContent = toFund ? `(${toFund})` : "";
  body.setAttribute("aria-busy", "false");
}

async function load() {
  body.setAttribute("aria-busy", "true");
  try {
    shown = await api("GET", book.path(`/budgets/${month}`));
    render();
  } catch (err) {
    showPageError(root, err);
  }
}

async function saveAmount(line, input) {
  const cell = input.closest("td");
  const error = cell.querySelector("[data-error]");
  input.classList.remove("is-invalid");
  clearPageError(root);
  const amount = parseMoneyInput(input.value) || "0";
  try {
    shown = await api("PUT", book.path(`/budgets/${month}/categories/${line.category_id}`), { amount });
    render();
  } catch (err) {
    const problem = err.errors?.find((e) => e.field === "amount");
    if (problem) {
      error.textContent = problem.message;
      input.classList.add("is-invalid");
      input.focus();
    } else {
      showPageError(root, err);
    }
  }
}

async function setRollover(line, toggle) {
  clearPageError(root);
  try {
    await api("PATCH", book.path(`/categories/${line.category_id}`), { rollover: toggle.checked });
    await load();
  } catch (err) {
    toggle.checked = !toggle.checked;
    showPageError(root, err);
  }
}

for (const button of root.querySelectorAll("[data-copy]")) {
  button.addEventListener("click", async () => {
    clearPageError(root);
    try {
      await api("POST", book.path(`/budgets/${month}/copy`), { source: button.dataset.copy });
      await load();
    } catch (err) {
      showPageError(root, err);
    }
  });
}

listShortcut("This page", "Enter ↓", "In an amount: save it and go to the next category");
listShortcut("This page", "↑", "In an amount: save it and go to the category above");
listShortcut("This page", "Tab", "Save the amount and go on to the next field");
load();
