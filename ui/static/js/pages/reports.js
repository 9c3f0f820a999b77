// A book's reports: spending by category, income against expense, net worth and cash flow.
// Each currency is a part of its own (amounts are never added across currencies), drawn as a
// chart with a table of its figures beside it; the table is the source of truth. The report and
// its filters live in the page's address (bookmarks, the back button), and figures open the
// transactions they are made of.
/* global Chart */
import { api, fetchAll } from "../api.js";
import { today } from "../dates.js";
import { cell, fieldsOf } from "../dom.js";
import { clearErrors, showProblem } from "../forms.js";
import {
  accountOptions,
  bookOf,
  categoryLabel,
  categoryOptgroups,
  clearPageError,
  loadAccounts,
  loadCategories,
  showPageError,
} from "../ledger.js";
import { compactMoney, formatMoney, isNegative, totals } from "../money.js";
import { addMonths, lastDay, monthName } from "../months.js";

const FILTERS = ["start", "end", "account_id", "category_id", "tag_id"];
// Net worth counts every transaction of the accounts: categories and tags do not apply.
const NOT_FOR_NET_WORTH = ["category_id", "tag_id"];

const root = document.getElementById("reports-page");
const book = bookOf(root);
const form = document.getElementById("report-filters");
const field = fieldsOf(form);
const partsBox = document.getElementById("report-parts");
const csvLink = document.getElementById("report-csv");
const pageTitle = document.title;

const choices = { accounts: new Map(), categories: new Map(), tags: new Map() };
let charts = [];
let shown = null; // the report on the page: { state, data }, drawn again when the theme changes
let generation = 0; // counts the loads: only the latest may fill the page

// ---- months and shares --------------------------------------------------------------------

const percent = new Intl.NumberFormat(undefined, { style: "percent", maximumFractionDigits: 1 });

/** The months the API shows when none are named: the last twelve, this one included. */
function defaultMonths() {
  const end = today().slice(0, 7);
  return { start: addMonths(end, -11), end };
}

// ---- the report in the address ------------------------------------------------------------

const REPORTS = {
  spending: { title: "Spending by category", draw: spendingPart },
  "income-expense": { title: "Income vs. expense", draw: incomeExpensePart },
  "net-worth": { title: "Net worth", draw: netWorthPart },
  "cash-flow": { title: "Cash flow", draw: cashFlowPart },
};

/** The report and filters the address names: `{report, filters: {start: "2025-01", ...}}`. */
function stateFromAddress() {
  const params = new URLSearchParams(window.location.search);
  const report = Object.hasOwn(REPORTS, params.get("report")) ? params.get("report") : "spending";
  const filters = {};
  for (const name of FILTERS) {
    const value = (params.get(name) || "").trim();
    if (value) filters[name] = value;
  }
  return { report, filters };
}

function addressOf(state) {
  return `?${new URLSearchParams({ report: state.report, ...state.filters })}`;
}

/** The API's query for a report (filters that do not apply to it are left out). */
function apiQuery(state) {
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(state.filters)) {
    if (state.report === "net-worth" && NOT_FOR_NET_WORTH.includes(name)) continue;
    query.set(name, value);
  }
  return query;
}

function go(state) {
  const address = addressOf(state);
  if (address !== window.location.search) window.history.pushState(null, "", address);
  load();
}

// ---- the filters --------------------------------------------------------------------------

/** The filters as the form shows them (disabled ones too: they apply to other reports). */
function formFilters() {
  const filters = {};
  for (const name of FILTERS) {
    const value = field(name).value.trim();
    if (value) filters[name] = value;
  }
  return filters;
}

/** Select `value`; one the lists do not know (a bookmark of something deleted) is added, so
 * the server's message about it shows next to it. */
function choose(select, value) {
  select.value = value ?? "";
  if (value && select.value !== value) {
    select.append(new Option(`#${value}`, value));
    select.value = value;
  }
}

function showFilters(state) {
  const months = defaultMonths();
  field("start").value = state.filters.start ?? months.start;
  field("end").value = state.filters.end ?? months.end;
  for (const name of ["account_id", "category_id", "tag_id"]) choose(field(name), state.filters[name]);
  const netWorth = state.report === "net-worth";
  for (const name of NOT_FOR_NET_WORTH) field(name).disabled = netWorth;
  const note = form.querySelector("[data-note]");
  const cashFlowFiltered =
    state.report === "cash-flow" && (state.filters.category_id || state.filters.tag_id);
  note.textContent = netWorth
    ? "Net worth counts every transaction of the accounts: category and tag do not apply."
    : cashFlowFiltered
      ? "With a category or tag chosen, the balance is not shown."
      : "";
  note.classList.toggle("d-none", !note.textContent);
}

function fillChoices(accounts, categories, tags) {
  choices.accounts = new Map(accounts.map((a) => [String(a.id), a]));
  choices.categories = new Map(categories.map((c) => [String(c.id), c]));
  choices.tags = new Map(tags.map((t) => [String(t.id), t]));
  field("account_id").append(...accountOptions(accounts));
  field("category_id").append(...categoryOptgroups(categories));
  field("tag_id").append(...tags.map((t) => new Option(t.name, t.id)));
}

/** What the report shows, in words: the months and the filters, for the screen and on paper. */
function describe(state, data) {
  const parts = [
    data.start === data.end ? monthName(data.start) : `${monthName(data.start)} – ${monthName(data.end)}`,
  ];
  const { account_id: account, category_id: category, tag_id: tag } = state.filters;
  parts.push(account ? (choices.accounts.get(account)?.name ?? `account ${account}`) : "all accounts");
  if (state.report !== "net-worth") {
    if (category === "0") parts.push("uncategorized");
    else if (category) {
      const known = choices.categories.get(category);
      parts.push(known ? categoryLabel(known) : `category ${category}`);
    }
    if (tag) parts.push(`tagged “${choices.tags.get(tag)?.name ?? tag}”`);
  }
  return parts.join(" · ");
}

form.addEventListener("submit", (event) => {
  event.preventDefault();
  go({ report: stateFromAddress().report, filters: formFilters() });
});
// Choices and months apply at once.
for (const input of form.querySelectorAll("select, input")) {
  input.addEventListener("change", () => form.requestSubmit());
}
form
  .querySelector("[data-clear-filters]")
  .addEventListener("click", () => go({ report: stateFromAddress().report, filters: {} }));

document.getElementById("report-tabs").addEventListener("click", (event) => {
  const tab = event.target.closest("[data-report]");
  // A click with a modifier opens the report elsewhere, as links do.
  if (!tab || event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) return;
  event.preventDefault();
  go({ report: tab.dataset.report, filters: stateFromAddress().filters });
});
window.addEventListener("popstate", () => load());

document.getElementById("report-print").addEventListener("click", () => window.print());

// ---- drilling down to the transactions ----------------------------------------------------

/**
 * The transactions page showing what a figure is made of: its months, its category, and the
 * report's account and tag (the transactions page takes a tag by name).
 */
function transactionsLink(state, { from, to = from, category = null }) {
  const query = new URLSearchParams();
  const { account_id: account, category_id: categoryFilter, tag_id: tag } = state.filters;
  // The report's category filter: "0" is uncategorized.
  const chosen = category ?? (categoryFilter === "0" ? "uncategorized" : categoryFilter);
  if (chosen) query.set("category", chosen);
  if (account) query.set("account_id", account);
  if (tag && choices.tags.has(tag)) query.set("tag", choices.tags.get(tag).name);
  query.set("date_from", `${from}-01`);
  query.set("date_to", lastDay(to));
  return `/books/${book.id}/transactions?${query}`;
}

function link(text, href, title) {
  const a = document.createElement("a");
  a.textContent = text;
  a.href = href;
  if (title) a.title = title;
  return a;
}

// ---- tables -------------------------------------------------------------------------------

function moneyCell(amount, currency, figure, { signed = false, tag = "td" } = {}) {
  if (amount === null || amount === undefined) {
    return cell("–", { tag, className: "text-end text-body-secondary", data: { figure } });
  }
  let tone = "";
  if (signed && isNegative(amount)) tone = " text-danger";
  else if (signed && Number(amount) > 0) tone = " text-success";
  return cell(formatMoney(amount, currency), { tag, className: `text-end money${tone}`, data: { figure } });
}

function headRow(names) {
  const row = document.createElement("tr");
  for (const [index, name] of names.entries()) {
    row.append(cell(name, { tag: "th", scope: "col", className: index ? "text-end" : "" }));
  }
  return row;
}

// ---- charts -------------------------------------------------------------------------------

/** The theme's colours, read from Bootstrap's variables so charts follow light and dark. */
function themeColors() {
  const style = getComputedStyle(document.body);
  const v = (name) => style.getPropertyValue(name).trim();
  const rgba = (name, alpha) => `rgba(${v(`${name}-rgb`)}, ${alpha})`;
  return {
    text: v("--bs-body-color"),
    muted: v("--bs-secondary-color"),
    grid: v("--bs-border-color-translucent") || v("--bs-border-color"),
    font: style.fontFamily,
    income: rgba("--bs-success", 0.75),
    incomeLine: v("--bs-success"),
    expense: rgba("--bs-danger", 0.75),
    expenseLine: v("--bs-danger"),
    line: v("--bs-primary"),
    lineFill: rgba("--bs-primary", 0.12),
  };
}

function axis(colors, extra = {}) {
  return {
    ...extra,
    ticks: { color: colors.text, ...(extra.ticks || {}) },
    grid: { color: colors.grid, ...(extra.grid || {}) },
    border: { color: colors.grid },
  };
}

/** Options every chart shares: no animation (printing, tests), colours of the theme, and
 * tooltips that show each figure exactly as the table does (`amounts[dataset][index]`). */
function chartOptions(colors, currency, amounts, { plugins = {}, ...extra } = {}) {
  const exact = (ctx) => {
    const amount = amounts[ctx.datasetIndex]?.[ctx.dataIndex];
    const text = amount === null || amount === undefined ? "–" : formatMoney(amount, currency);
    return `${ctx.dataset.label}: ${text}`;
  };
  return {
    animation: false,
    responsive: true,
    maintainAspectRatio: false,
    color: colors.text,
    borderColor: colors.grid,
    interaction: { mode: "index", intersect: false },
    ...extra,
    plugins: {
      ...plugins,
      // In the order of the datasets (Chart.js sorts by drawing order, lines first).
      legend: {
        ...plugins.legend,
        labels: { color: colors.text, sort: (a, b) => a.datasetIndex - b.datasetIndex },
      },
      tooltip: { ...plugins.tooltip, callbacks: { label: exact } },
    },
  };
}

const moneyTicks = (currency) => ({ callback: (value) => compactMoney(value, currency) });

function numbers(amounts) {
  return amounts.map((a) => (a === null || a === undefined ? null : Number(a)));
}

/** One figure of every month of a part, e.g. `column(part, "income")`. */
function column(part, name) {
  return part.months.map((m) => m[name]);
}

function monthLabels(part) {
  return part.months.map((m) => monthName(m.month, true));
}

/** Months along the bottom, money up the side. */
function monthScales(colors, currency) {
  return {
    x: axis(colors, { grid: { display: false } }),
    y: axis(colors, { ticks: moneyTicks(currency) }),
  };
}

/** A bar dataset of API amounts; lines are drawn over bars. */
function bars(label, amounts, fill, edge) {
  return {
    label,
    data: numbers(amounts),
    backgroundColor: fill,
    borderColor: edge,
    borderWidth: 1,
    order: 2,
  };
}

function line(label, amounts, color) {
  return {
    type: "line",
    label,
    data: numbers(amounts),
    borderColor: color,
    backgroundColor: color,
    pointRadius: 3,
    cubicInterpolationMode: "monotone", // smooth, without swinging past the figures
    order: 1,
  };
}

// ---- the four reports ---------------------------------------------------------------------
// Each fills a part's section (title, totals, table) and returns its chart's configuration.

function spendingPart(part, state, section, colors) {
  const { currency } = part;
  section.querySelector("[data-part-totals]").textContent = `Spent: ${formatMoney(part.total, currency)}`;
  const table = section.querySelector("[data-table]");
  table.tHead.replaceChildren(headRow(["Category", "Amount", "Share"]));
  const share = (amount) => (Number(part.total) ? percent.format(Number(amount) / Number(part.total)) : "–");
  const rows = [];
  for (const group of part.groups) {
    const head = document.createElement("tr");
    head.className = "table-group-divider fw-semibold";
    head.dataset.groupId = group.group_id ?? "uncategorized";
    head.append(
      cell(group.name, { tag: "th", scope: "rowgroup" }),
      moneyCell(group.amount, currency, "amount"),
      cell(share(group.amount), { className: "text-end text-body-secondary", data: { figure: "share" } }),
    );
    rows.push(head);
    for (const category of group.categories) {
      const row = document.createElement("tr");
      const id = category.category_id === null ? "uncategorized" : String(category.category_id);
      row.dataset.categoryId = id;
      const href = transactionsLink(state, { from: state.months.start, to: state.months.end, category: id });
      row.append(
        cell(link(category.name, href, `The transactions of ${category.name} in these months`), {
          tag: "th",
          scope: "row",
          className: "fw-normal ps-4",
        }),
        moneyCell(category.amount, currency, "amount"),
        cell(share(category.amount), {
          className: "text-end text-body-secondary",
          data: { figure: "share" },
        }),
      );
      rows.push(row);
    }
  }
  table.tBodies[0].replaceChildren(...rows);
  const total = document.createElement("tr");
  total.className = "fw-semibold";
  total.append(
    cell("Total", { tag: "th", scope: "row" }),
    moneyCell(part.total, currency, "total"),
    cell(""),
  );
  table.tFoot.replaceChildren(total);

  // One bar per group, largest first, tall enough for every name.
  section.querySelector("[data-chart-box]").style.height = `${Math.max(10, part.groups.length * 2 + 3)}rem`;
  const amounts = [part.groups.map((g) => g.amount)];
  return {
    describe: `Bar chart of spending per category group in ${currency}, largest first.`,
    config: {
      type: "bar",
      data: {
        labels: part.groups.map((g) => g.name),
        datasets: [
          {
            label: "Spent",
            data: numbers(amounts[0]),
            backgroundColor: colors.expense,
            borderColor: colors.expenseLine,
            borderWidth: 1,
          },
        ],
      },
      options: chartOptions(colors, currency, amounts, {
        indexAxis: "y",
        interaction: { mode: "nearest", axis: "y", intersect: false },
        scales: {
          x: axis(colors, { ticks: moneyTicks(currency) }),
          y: axis(colors, { grid: { display: false } }),
        },
        plugins: { legend: { display: false } },
      }),
    },
  };
}

function monthRow(state, month, cells) {
  const row = document.createElement("tr");
  row.dataset.month = month;
  const name = monthName(month);
  const href = transactionsLink(state, { from: month });
  row.append(
    cell(link(name, href, `The transactions of ${name}`), {
      tag: "th",
      scope: "row",
      className: "fw-normal",
    }),
    ...cells,
  );
  return row;
}

function incomeExpensePart(part, state, section, colors) {
  const { currency } = part;
  section.querySelector("[data-part-totals]").textContent = [
    `Income ${formatMoney(part.income, currency)}`,
    `Expense ${formatMoney(part.expense, currency)}`,
    `Net ${formatMoney(part.net, currency)}`,
  ].join(" · ");
  const table = section.querySelector("[data-table]");
  table.tHead.replaceChildren(headRow(["Month", "Income", "Expense", "Net"]));
  table.tBodies[0].replaceChildren(
    ...part.months.map((m) =>
      monthRow(state, m.month, [
        moneyCell(m.income, currency, "income"),
        moneyCell(m.expense, currency, "expense"),
        moneyCell(m.net, currency, "net", { signed: true }),
      ]),
    ),
  );
  const total = document.createElement("tr");
  total.className = "fw-semibold";
  total.append(
    cell("Total", { tag: "th", scope: "row" }),
    moneyCell(part.income, currency, "income"),
    moneyCell(part.expense, currency, "expense"),
    moneyCell(part.net, currency, "net", { signed: true }),
  );
  table.tFoot.replaceChildren(total);

  const amounts = ["income", "expense", "net"].map((name) => column(part, name));
  return {
    describe: `Bar chart of income and expense per month in ${currency}, with the net as a line.`,
    config: {
      type: "bar",
      data: {
        labels: monthLabels(part),
        datasets: [
          bars("Income", amounts[0], colors.income, colors.incomeLine),
          bars("Expense", amounts[1], colors.expense, colors.expenseLine),
          line("Net", amounts[2], colors.line),
        ],
      },
      options: chartOptions(colors, currency, amounts, {
        scales: monthScales(colors, currency),
      }),
    },
  };
}

function netWorthPart(part, _state, section, colors) {
  const { currency } = part;
  const last = part.months.at(-1);
  section.querySelector("[data-part-totals]").textContent = last
    ? `End of ${monthName(last.month)}: ${formatMoney(last.amount, currency)}`
    : "";
  const table = section.querySelector("[data-table]");
  table.tHead.replaceChildren(headRow(["Month", "Net worth"]));
  table.tBodies[0].replaceChildren(
    ...part.months.map((m) => {
      const row = document.createElement("tr");
      row.dataset.month = m.month;
      row.append(
        cell(monthName(m.month), { tag: "th", scope: "row", className: "fw-normal" }),
        moneyCell(m.amount, currency, "amount"),
      );
      return row;
    }),
  );
  table.tFoot.replaceChildren();

  const amounts = [column(part, "amount")];
  return {
    describe: `Line chart of net worth at each month's end in ${currency}.`,
    config: {
      type: "line",
      data: {
        labels: monthLabels(part),
        datasets: [
          {
            label: "Net worth",
            data: numbers(amounts[0]),
            borderColor: colors.line,
            backgroundColor: colors.lineFill,
            fill: true,
            pointRadius: 3,
            cubicInterpolationMode: "monotone",
          },
        ],
      },
      options: chartOptions(colors, currency, amounts, {
        plugins: { legend: { display: false } },
        scales: monthScales(colors, currency),
      }),
    },
  };
}

function cashFlowPart(part, state, section, colors) {
  const { currency } = part;
  const sum = (name) => totals(part.months.map((m) => ({ amount: m[name], currency }))).get(currency) ?? "0";
  const names = ["money_in", "money_out", "transfers", "net"];
  const sums = Object.fromEntries(names.map((name) => [name, sum(name)]));
  section.querySelector("[data-part-totals]").textContent = [
    `In ${formatMoney(sums.money_in, currency)}`,
    `Out ${formatMoney(sums.money_out, currency)}`,
    `Net ${formatMoney(sums.net, currency)}`,
  ].join(" · ");
  const withBalance = part.months.some((m) => m.balance !== null);
  const table = section.querySelector("[data-table]");
  table.tHead.replaceChildren(
    headRow(["Month", "Money in", "Money out", "Transfers", "Net", ...(withBalance ? ["Balance"] : [])]),
  );
  table.tBodies[0].replaceChildren(
    ...part.months.map((m) =>
      monthRow(state, m.month, [
        moneyCell(m.money_in, currency, "money_in"),
        moneyCell(m.money_out, currency, "money_out"),
        moneyCell(m.transfers, currency, "transfers"),
        moneyCell(m.net, currency, "net", { signed: true }),
        ...(withBalance ? [moneyCell(m.balance, currency, "balance")] : []),
      ]),
    ),
  );
  const total = document.createElement("tr");
  total.className = "fw-semibold";
  total.append(
    cell("Total", { tag: "th", scope: "row" }),
    moneyCell(sums.money_in, currency, "money_in"),
    moneyCell(sums.money_out, currency, "money_out"),
    moneyCell(sums.transfers, currency, "transfers"),
    moneyCell(sums.net, currency, "net", { signed: true }),
    ...(withBalance ? [cell("")] : []),
  );
  table.tFoot.replaceChildren(total);

  const amounts = ["money_in", "money_out", "balance"].map((name) => column(part, name));
  const datasets = [
    { ...bars("Money in", amounts[0], colors.income, colors.incomeLine), stack: "flow" },
    { ...bars("Money out", amounts[1], colors.expense, colors.expenseLine), stack: "flow" },
  ];
  const scales = {
    x: axis(colors, { stacked: true, grid: { display: false } }),
    y: axis(colors, {
      stacked: true,
      ticks: moneyTicks(currency),
      title: { display: withBalance, text: "In and out", color: colors.muted },
    }),
  };
  if (withBalance) {
    datasets.push({ ...line("Balance", amounts[2], colors.line), yAxisID: "balance" });
    scales.balance = axis(colors, {
      position: "right",
      ticks: moneyTicks(currency),
      grid: { drawOnChartArea: false },
      title: { display: true, text: "Balance", color: colors.muted },
    });
  }
  return {
    describe:
      `Bar chart of money in and out per month in ${currency}` +
      (withBalance ? ", with the balance at each month's end as a line." : "."),
    config: {
      type: "bar",
      data: { labels: monthLabels(part), datasets },
      options: chartOptions(colors, currency, amounts, { scales }),
    },
  };
}

// ---- the page -----------------------------------------------------------------------------

function destroyCharts() {
  for (const chart of charts) chart.destroy();
  charts = [];
}

function render() {
  destroyCharts();
  const { state, data } = shown;
  const colors = themeColors();
  Chart.defaults.color = colors.text;
  Chart.defaults.borderColor = colors.grid;
  Chart.defaults.font.family = colors.font;
  const many = data.parts.length > 1;
  const drawn = data.parts.map((part) => {
    const section = document.getElementById("report-part").content.firstElementChild.cloneNode(true);
    section.dataset.currency = part.currency;
    const title = REPORTS[state.report].title;
    section.querySelector("[data-part-title]").textContent = many
      ? `${title} in ${part.currency}`
      : `${title} (${part.currency})`;
    section.querySelector("[data-table-caption]").textContent =
      `${title} in ${part.currency}, ${describe(state, data)}`;
    const months = { start: data.start, end: data.end };
    const chart = REPORTS[state.report].draw(part, { ...state, months }, section, colors);
    const canvas = section.querySelector("[data-chart]");
    canvas.setAttribute("aria-label", `${chart.describe} The table below lists the figures.`);
    section.querySelector("[data-chart-caption]").textContent = chart.describe;
    return { section, canvas, config: chart.config };
  });
  partsBox.replaceChildren(...drawn.map((d) => d.section));
  // Charts measure their box: made once the sections are on the page.
  charts = drawn.map((d) => new Chart(d.canvas, d.config));
  document.getElementById("report-empty").classList.toggle("d-none", data.parts.length > 0);
  partsBox.setAttribute("aria-busy", "false");
}

function showState(state) {
  const { title } = REPORTS[state.report];
  document.getElementById("report-title").textContent = title;
  document.title = `${title} · ${pageTitle}`;
  for (const tab of root.querySelectorAll("#report-tabs [data-report]")) {
    const active = tab.dataset.report === state.report;
    tab.classList.toggle("active", active);
    if (active) tab.setAttribute("aria-current", "page");
    else tab.removeAttribute("aria-current");
    tab.href = addressOf({ report: tab.dataset.report, filters: state.filters });
  }
  showFilters(state);
  const query = apiQuery(state);
  query.set("format", "csv");
  csvLink.href = `/api/v1${book.path(`/reports/${state.report}`)}?${query}`;
}

function clearReport() {
  destroyCharts();
  shown = null;
  partsBox.replaceChildren();
  document.getElementById("report-empty").classList.add("d-none");
  document.getElementById("report-summary").textContent = "";
}

async function load() {
  const mine = ++generation;
  const state = stateFromAddress();
  clearErrors(form);
  clearPageError(root);
  showState(state);
  partsBox.setAttribute("aria-busy", "true");
  let data;
  try {
    data = await api("GET", book.path(`/reports/${state.report}?${apiQuery(state)}`));
  } catch (err) {
    if (mine !== generation) return; // a later choice asked again: its answer wins
    clearReport();
    csvLink.classList.add("disabled");
    csvLink.setAttribute("aria-disabled", "true");
    if (err.errors?.length) showProblem(form, err);
    else showPageError(root, err);
    partsBox.setAttribute("aria-busy", "false");
    return;
  }
  if (mine !== generation) return;
  csvLink.classList.remove("disabled");
  csvLink.removeAttribute("aria-disabled");
  // Without months in the address the server chose them: show which.
  field("start").value = data.start;
  field("end").value = data.end;
  document.getElementById("report-summary").textContent = describe(state, data);
  shown = { state, data };
  render();
}

// The theme button switches light and dark: draw the charts again in the new colours.
new MutationObserver(() => {
  if (shown) render();
}).observe(document.documentElement, { attributes: true, attributeFilter: ["data-bs-theme"] });

async function start() {
  try {
    const [accounts, categories, tags] = await Promise.all([
      loadAccounts(book),
      loadCategories(book),
      fetchAll(book.path("/tags")),
    ]);
    fillChoices(accounts, categories, tags);
  } catch (err) {
    partsBox.setAttribute("aria-busy", "false");
    showPageError(root, err);
    return;
  }
  await load();
}

start();
