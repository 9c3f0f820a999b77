// The reports page's charts: for one currency's part of a report, a Chart.js configuration
// (Chart.js is the vendored classic script the page loads first) in the theme's colours, with
// tooltips that show each figure exactly as the table does, and a sentence saying what it shows.

import { t } from "../i18n.js";
import { compactMoney, formatMoney } from "../money.js";
import { monthName } from "../months.js";

/** The theme's colours, read from Bootstrap's variables so charts follow light and dark. */
export function themeColors() {
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

/** Draw `config` on `canvas`, with Chart.js's defaults in the theme's `colors`. */
export function drawChart(canvas, config, colors) {
  Chart.defaults.color = colors.text;
  Chart.defaults.borderColor = colors.grid;
  Chart.defaults.font.family = colors.font;
  return new Chart(canvas, config);
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

function spending(part, colors) {
  const { currency } = part;
  const amounts = [part.groups.map((g) => g.amount)];
  return {
    describe: t("Bar chart of spending per category group in {currency}, largest first.", { currency }),
    // One bar per group, largest first, tall enough for every name.
    height: `${Math.max(10, part.groups.length * 2 + 3)}rem`,
    config: {
      type: "bar",
      data: {
        labels: part.groups.map((g) => g.name),
        datasets: [
          {
            label: t("Spent"),
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

function incomeExpense(part, colors) {
  const { currency } = part;
  const amounts = ["income", "expense", "net"].map((name) => column(part, name));
  return {
    describe: t("Bar chart of income and expense per month in {currency}, with the net as a line.", {
      currency,
    }),
    config: {
      type: "bar",
      data: {
        labels: monthLabels(part),
        datasets: [
          bars(t("Income"), amounts[0], colors.income, colors.incomeLine),
          bars(t("Expense"), amounts[1], colors.expense, colors.expenseLine),
          line(t("Net"), amounts[2], colors.line),
        ],
      },
      options: chartOptions(colors, currency, amounts, {
        scales: monthScales(colors, currency),
      }),
    },
  };
}

function netWorth(part, colors) {
  const { currency } = part;
  const amounts = [column(part, "amount")];
  return {
    describe: t("Line chart of net worth at each month’s end in {currency}.", { currency }),
    config: {
      type: "line",
      data: {
        labels: monthLabels(part),
        datasets: [
          {
            label: t("Net worth"),
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

function cashFlow(part, colors) {
  const { currency } = part;
  const withBalance = part.months.some((m) => m.balance !== null);
  const amounts = ["money_in", "money_out", "balance"].map((name) => column(part, name));
  const datasets = [
    { ...bars(t("Money in"), amounts[0], colors.income, colors.incomeLine), stack: "flow" },
    { ...bars(t("Money out"), amounts[1], colors.expense, colors.expenseLine), stack: "flow" },
  ];
  const scales = {
    x: axis(colors, { stacked: true, grid: { display: false } }),
    y: axis(colors, {
      stacked: true,
      ticks: moneyTicks(currency),
      title: { display: withBalance, text: t("In and out"), color: colors.muted },
    }),
  };
  if (withBalance) {
    datasets.push({ ...line(t("Balance"), amounts[2], colors.line), yAxisID: "balance" });
    scales.balance = axis(colors, {
      position: "right",
      ticks: moneyTicks(currency),
      grid: { drawOnChartArea: false },
      title: { display: true, text: t("Balance"), color: colors.muted },
    });
  }
  return {
    describe: withBalance
      ? t(
          "Bar chart of money in and out per month in {currency}, with the balance at each month’s end as a line.",
          {
            currency,
          },
        )
      : t("Bar chart of money in and out per month in {currency}.", { currency }),
    config: {
      type: "bar",
      data: { labels: monthLabels(part), datasets },
      options: chartOptions(colors, currency, amounts, { scales }),
    },
  };
}

const CHARTS = {
  spending,
  "income-expense": incomeExpense,
  "net-worth": netWorth,
  "cash-flow": cashFlow,
};

/**
 * A part's chart for `report` ("spending", ...): `{describe, config}`, and the `height` of its
 * box where the chart needs more than the page's.
 */
export function chartOf(report, part, colors) {
  return CHARTS[report](part, colors);
}
