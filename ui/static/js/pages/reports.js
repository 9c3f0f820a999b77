// A book's reports: spending by category, income against expense, net worth and cash flow.
// Each currency is a part of its own (amounts are never added across currencies), drawn as a
// chart with a table of its figures beside it; the table is the source of truth. The report and
// its filters live in the page's address (bookmarks, the back button), and figures open the
// transactions they are made of.
import { api, fetchAll } from "../api.js";
import { chartOf, drawChart, themeColors } from "../components/report-charts.js";
import { fillTable } from "../components/report-tables.js";
import { today } from "../dates.js";
import { fieldsOf } from "../dom.js";
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
// The page, then the report it shows, then the book: "Reports · Cash flow · Home · Tallybook".
const [pageName, ...bookAndApp] = document.title.split(" · ");

const choices = { accounts: new Map(), categories: new Map(), tags: new Map() };
let charts = [];
let shown = null; // the report on the page: { state, data }, drawn again when the theme changes
let generation = 0; // counts the loads: only the latest may fill the page

/** The months the API shows when none are named: the last twelve, this one included. */
function defaultMonths() {
  const end = today().slice(0, 7);
  return { start: addMonths(end, -11), end };
}

// ---- the report in the address ------------------------------------------------------------

// The reports, by the name the address and the API give them.
const TITLES = {
  spending: "Spending by category",
  "income-expense": "Income vs. expense",
  "net-worth": "Net worth",
  "cash-flow": "Cash flow",
};

/** The report and filters the address names: `{report, filters: {start: "2025-01", ...}}`. */
function stateFromAddress() {
  const params = new URLSearchParams(window.location.search);
  const report = Object.hasOwn(TITLES, params.get("report")) ? params.get("report") : "spending";
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

// ---- the page -----------------------------------------------------------------------------

function destroyCharts() {
  for (const chart of charts) chart.destroy();
  charts = [];
}

function render() {
  destroyCharts();
  const { state, data } = shown;
  const colors = themeColors();
  const many = data.parts.length > 1;
  const drawn = data.parts.map((part) => {
    const section = document.getElementById("report-part").content.firstElementChild.cloneNode(true);
    section.dataset.currency = part.currency;
    const title = TITLES[state.report];
    section.querySelector("[data-part-title]").textContent = many
      ? `${title} in ${part.currency}`
      : `${title} (${part.currency})`;
    section.querySelector("[data-table-caption]").textContent =
      `${title} in ${part.currency}, ${describe(state, data)}`;
    const months = { start: data.start, end: data.end };
    fillTable(state.report, part, section, { months, linkTo: (where) => transactionsLink(state, where) });
    const chart = chartOf(state.report, part, colors);
    if (chart.height) section.querySelector("[data-chart-box]").style.height = chart.height;
    const canvas = section.querySelector("[data-chart]");
    canvas.setAttribute("aria-label", `${chart.describe} The table below lists the figures.`);
    section.querySelector("[data-chart-caption]").textContent = chart.describe;
    return { section, canvas, config: chart.config };
  });
  partsBox.replaceChildren(...drawn.map((d) => d.section));
  // Charts measure their box: made once the sections are on the page.
  charts = drawn.map((d) => drawChart(d.canvas, d.config, colors));
  document.getElementById("report-empty").classList.toggle("d-none", data.parts.length > 0);
  partsBox.setAttribute("aria-busy", "false");
}

function showState(state) {
  const title = TITLES[state.report];
  document.getElementById("report-title").textContent = title;
  document.title = [pageName, title, ...bookAndApp].join(" · ");
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
