// The home page's overview of a book: every figure comes from GET .../dashboard and links to
// the page it comes from (reports, budget, registers, scheduled, transactions).
import { api } from "../api.js";
import { formatDate } from "../dates.js";
import { t } from "../i18n.js";
import { formatMoney } from "../money.js";
import { showFirstSteps } from "./first-steps.js";

const SHOWN_UPCOMING = 8;
const CHOSEN = "tallybook.dashboard-book"; // the book last shown, remembered in this browser
const section = document.getElementById("dashboard");
let chart = null;

function item(text, href = null, amount = null, currency = null) {
  const li = document.createElement("li");
  li.className = "d-flex justify-content-between gap-2 py-1 border-bottom";
  const label = document.createElement(href ? "a" : "span");
  label.textContent = text;
  if (href) label.href = href;
  li.append(label);
  if (amount !== null) {
    const figure = document.createElement("span");
    figure.className = `text-nowrap ${Number(amount) < 0 ? "text-danger" : ""}`;
    figure.textContent = formatMoney(amount, currency);
    li.append(figure);
  }
  return li;
}

function empty(text) {
  const li = document.createElement("li");
  li.className = "text-body-secondary";
  li.textContent = text;
  return li;
}

function drawTrend(parts) {
  chart?.destroy();
  chart = null;
  const canvas = document.getElementById("net-worth-chart");
  if (!parts.length || typeof Chart === "undefined") return;
  const style = getComputedStyle(document.body);
  const color = style.getPropertyValue("--bs-primary").trim() || "#0d6efd";
  const [main] = parts; // the first currency's trend; the others are listed above it
  chart = new Chart(canvas, {
    type: "line",
    data: {
      labels: main.trend.map((point) => point.month),
      datasets: [
        {
          data: main.trend.map((point) => Number(point.amount)),
          borderColor: color,
          backgroundColor: color,
          pointRadius: 0,
          tension: 0.3,
        },
      ],
    },
    options: {
      animation: false,
      responsive: true,
      maintainAspectRatio: false,
      plugins: {
        legend: { display: false },
        tooltip: {
          callbacks: { label: (ctx) => formatMoney(main.trend[ctx.dataIndex].amount, main.currency) },
        },
      },
      scales: { x: { display: false }, y: { display: false } },
    },
  });
}

function render(bookId, board) {
  const base = `/books/${bookId}`;
  document.getElementById("net-worth").replaceChildren(
    ...(board.net_worth.length
      ? board.net_worth.map((part) => {
          const line = document.createElement("div");
          const amount = document.createElement("span");
          amount.className = "fs-4 fw-semibold";
          amount.textContent = formatMoney(part.amount, part.currency);
          const change = document.createElement("span");
          change.className = `small ms-2 ${Number(part.change) < 0 ? "text-danger" : "text-success"}`;
          change.textContent = t("{change} this month", {
            change: `${Number(part.change) < 0 ? "" : "+"}${formatMoney(part.change, part.currency)}`,
          });
          line.append(amount, change);
          return line;
        })
      : [
          Object.assign(document.createElement("div"), {
            className: "text-body-secondary",
            textContent: t("No accounts yet."),
          }),
        ]),
  );
  drawTrend(board.net_worth);
  document.getElementById("net-worth-link").href = `${base}/reports?report=net-worth`;

  const budget = board.budget;
  document.getElementById("budget-spent").textContent = formatMoney(budget.spent, budget.currency);
  document.getElementById("budget-of").textContent = t("of {budgeted} budgeted · {left} left to budget", {
    budgeted: formatMoney(budget.budgeted, budget.currency),
    left: formatMoney(budget.available_to_budget, budget.currency),
  });
  const share =
    Number(budget.budgeted) > 0 ? Math.min(100, (100 * Number(budget.spent)) / Number(budget.budgeted)) : 0;
  const bar = document.getElementById("budget-bar");
  bar.style.width = `${Math.max(0, share)}%`;
  bar.classList.toggle("bg-danger", budget.overspent.length > 0);
  document.getElementById("budget-progress").setAttribute("aria-valuenow", String(Math.round(share)));
  document
    .getElementById("overspent")
    .replaceChildren(
      ...budget.overspent.map((line) =>
        item(
          t("{name} overspent", { name: line.name }),
          `${base}/budget?month=${board.month}`,
          line.available,
          budget.currency,
        ),
      ),
    );
  document.getElementById("budget-link").href = `${base}/budget?month=${board.month}`;

  document
    .getElementById("balances")
    .replaceChildren(
      ...(board.accounts.length
        ? board.accounts.map((a) => item(a.name, `${base}/accounts/${a.id}`, a.balance, a.currency))
        : [empty(t("No accounts yet."))]),
    );
  const names = new Map(board.accounts.map((a) => [a.id, a.name]));
  const shown = board.upcoming.slice(0, SHOWN_UPCOMING);
  const more = board.upcoming.length - shown.length;
  document
    .getElementById("upcoming")
    .replaceChildren(
      ...(board.upcoming.length
        ? shown.map((u) =>
            item(
              `${formatDate(u.date)} · ${u.name || u.payee || names.get(u.account_id) || t("Scheduled")}`,
              `${base}/schedules`,
              u.amount,
              u.currency,
            ),
          )
        : [empty(t("Nothing scheduled until {date}.", { date: formatDate(board.upcoming_until) }))]),
      ...(more > 0 ? [item(t("and {count} more", { count: more }), `${base}/schedules`)] : []),
    );
  document.getElementById("upcoming-link").href = `${base}/schedules`;
  document
    .getElementById("recent")
    .replaceChildren(
      ...(board.recent.length
        ? board.recent.map((txn) =>
            item(
              `${formatDate(txn.date)} · ${txn.payee || t("(no payee)")}`,
              `${base}/accounts/${txn.account_id}`,
              txn.amount,
              txn.currency,
            ),
          )
        : [empty(t("No transactions yet."))]),
    );
  document.getElementById("recent-link").href = `${base}/transactions`;
}

async function show(book) {
  const cards = document.getElementById("dashboard-cards");
  const error = document.getElementById("dashboard-error");
  cards.setAttribute("aria-busy", "true");
  try {
    const board = await api("GET", `/books/${book.id}/dashboard`);
    // A book with nothing in it yet offers its first steps instead of empty figures.
    const empty = !board.accounts.length && !board.recent.length;
    cards.classList.toggle("d-none", empty);
    showFirstSteps(empty ? book : null);
    if (!empty) render(book.id, board);
    error.classList.add("d-none");
  } catch (err) {
    error.textContent = err.message;
    error.classList.remove("d-none");
  }
  cards.setAttribute("aria-busy", "false");
}

/** Show the overview of one of `books`: the one the address names (`/?book=7`, then
 * remembered), else the one last chosen here, else the first; none when there is no book.
 * `onShow(book)` hears of each book shown. */
export function showDashboard(books, onShow = () => {}) {
  section.classList.toggle("d-none", !books.length);
  if (!books.length) return;
  const byId = (id) => books.find((b) => b.id === Number(id));
  const asked = byId(new URLSearchParams(window.location.search).get("book"));
  if (asked) window.localStorage.setItem(CHOSEN, String(asked.id));
  const chosen = asked ?? byId(window.localStorage.getItem(CHOSEN)) ?? books[0];
  const select = document.getElementById("dashboard-book");
  select.replaceChildren(...books.map((b) => new Option(b.name, b.id)));
  select.value = String(chosen.id);
  select.closest("div").classList.toggle("d-none", books.length < 2);
  select.onchange = () => {
    window.localStorage.setItem(CHOSEN, select.value);
    onShow(byId(select.value));
    show(byId(select.value));
  };
  onShow(chosen);
  return show(chosen);
}
