// The reports page's tables: for one currency's part of a report, its totals line and a table
// of the API's figures (the source of truth the chart draws), each month and category linking
// to the transactions it is made of.
import { today } from "../dates.js";
import { cell } from "../dom.js";
import { t } from "../i18n.js";
import { formatMoney, isNegative, totals } from "../money.js";
import { monthName } from "../months.js";

const percent = new Intl.NumberFormat(undefined, { style: "percent", maximumFractionDigits: 1 });

function link(text, href, title) {
  const a = document.createElement("a");
  a.textContent = text;
  a.href = href;
  if (title) a.title = title;
  return a;
}

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

function totalRow(cells) {
  const row = document.createElement("tr");
  row.className = "fw-semibold";
  row.append(cell(t("Total"), { tag: "th", scope: "row" }), ...cells);
  return row;
}

/** A month's row, its name leading to the month's transactions. */
function monthRow(month, cells, linkTo) {
  const row = document.createElement("tr");
  row.dataset.month = month;
  const name = monthName(month);
  row.append(
    cell(link(name, linkTo({ from: month }), t("The transactions of {month}", { month: name })), {
      tag: "th",
      scope: "row",
      className: "fw-normal",
    }),
    ...cells,
  );
  return row;
}

function spending(part, table, { months, linkTo }) {
  const { currency } = part;
  table.tHead.replaceChildren(headRow([t("Category"), t("Amount"), t("Share")]));
  const share = (amount) => (Number(part.total) ? percent.format(Number(amount) / Number(part.total)) : "–");
  const shareCell = (amount) =>
    cell(share(amount), { className: "text-end text-body-secondary", data: { figure: "share" } });
  const rows = [];
  for (const group of part.groups) {
    const head = document.createElement("tr");
    head.className = "table-group-divider fw-semibold";
    head.dataset.groupId = group.group_id ?? "uncategorized";
    head.append(
      cell(group.name, { tag: "th", scope: "rowgroup" }),
      moneyCell(group.amount, currency, "amount"),
      shareCell(group.amount),
    );
    rows.push(head);
    for (const category of group.categories) {
      const row = document.createElement("tr");
      const id = category.category_id === null ? "uncategorized" : String(category.category_id);
      row.dataset.categoryId = id;
      const href = linkTo({ from: months.start, to: months.end, category: id });
      row.append(
        cell(
          link(
            category.name,
            href,
            t("The transactions of {category} in these months", { category: category.name }),
          ),
          {
            tag: "th",
            scope: "row",
            className: "fw-normal ps-4",
          },
        ),
        moneyCell(category.amount, currency, "amount"),
        shareCell(category.amount),
      );
      rows.push(row);
    }
  }
  table.tBodies[0].replaceChildren(...rows);
  table.tFoot.replaceChildren(totalRow([moneyCell(part.total, currency, "total"), cell("")]));
  return t("Spent: {amount}", { amount: formatMoney(part.total, currency) });
}

function incomeExpense(part, table, { linkTo }) {
  const { currency } = part;
  table.tHead.replaceChildren(headRow([t("Month"), t("Income"), t("Expense"), t("Net")]));
  table.tBodies[0].replaceChildren(
    ...part.months.map((m) =>
      monthRow(
        m.month,
        [
          moneyCell(m.income, currency, "income"),
          moneyCell(m.expense, currency, "expense"),
          moneyCell(m.net, currency, "net", { signed: true }),
        ],
        linkTo,
      ),
    ),
  );
  table.tFoot.replaceChildren(
    totalRow([
      moneyCell(part.income, currency, "income"),
      moneyCell(part.expense, currency, "expense"),
      moneyCell(part.net, currency, "net", { signed: true }),
    ]),
  );
  return [
    t("Income {amount}", { amount: formatMoney(part.income, currency) }),
    t("Expense {amount}", { amount: formatMoney(part.expense, currency) }),
    t("Net {amount}", { amount: formatMoney(part.net, currency) }),
  ].join(" · ");
}

function netWorth(part, table) {
  const { currency } = part;
  table.tHead.replaceChildren(headRow([t("Month"), t("Net worth")]));
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
  const last = part.months.at(-1);
  if (!last) return "";
  // This month's point is as of today, as the accounts' balances are.
  const amount = formatMoney(last.amount, currency);
  if (last.month === today().slice(0, 7)) return t("Today: {amount}", { amount });
  return t("End of {month}: {amount}", { month: monthName(last.month), amount });
}

function cashFlow(part, table, { linkTo }) {
  const { currency } = part;
  const sum = (name) => totals(part.months.map((m) => ({ amount: m[name], currency }))).get(currency) ?? "0";
  const names = ["money_in", "money_out", "transfers", "net"];
  const sums = Object.fromEntries(names.map((name) => [name, sum(name)]));
  const withBalance = part.months.some((m) => m.balance !== null);
  table.tHead.replaceChildren(
    headRow([
      t("Month"),
      t("Money in"),
      t("Money out"),
      t("Transfers"),
      t("Net"),
      ...(withBalance ? [t("Balance")] : []),
    ]),
  );
  table.tBodies[0].replaceChildren(
    ...part.months.map((m) =>
      monthRow(
        m.month,
        [
          moneyCell(m.money_in, currency, "money_in"),
          moneyCell(m.money_out, currency, "money_out"),
          moneyCell(m.transfers, currency, "transfers"),
          moneyCell(m.net, currency, "net", { signed: true }),
          ...(withBalance ? [moneyCell(m.balance, currency, "balance")] : []),
        ],
        linkTo,
      ),
    ),
  );
  table.tFoot.replaceChildren(
    totalRow([
      moneyCell(sums.money_in, currency, "money_in"),
      moneyCell(sums.money_out, currency, "money_out"),
      moneyCell(sums.transfers, currency, "transfers"),
      moneyCell(sums.net, currency, "net", { signed: true }),
      ...(withBalance ? [cell("")] : []),
    ]),
  );
  return [
    t("In {amount}", { amount: formatMoney(sums.money_in, currency) }),
    t("Out {amount}", { amount: formatMoney(sums.money_out, currency) }),
    t("Net {amount}", { amount: formatMoney(sums.net, currency) }),
  ].join(" · ");
}

const TABLES = {
  spending,
  "income-expense": incomeExpense,
  "net-worth": netWorth,
  "cash-flow": cashFlow,
};

/**
 * Fill a part's section with its totals line and its table, for `report` ("spending", ...).
 * `months` are the report's `{start, end}`; `linkTo({from, to, category})` is the address of
 * the transactions behind a figure.
 */
export function fillTable(report, part, section, { months, linkTo }) {
  const table = section.querySelector("[data-table]");
  section.querySelector("[data-part-totals]").textContent = TABLES[report](part, table, { months, linkTo });
}
