// Money in the browser, in one place: the API speaks exact decimal strings ("-12.34"), padded
// to the currency's decimals as the server knows them (Babel's data, which the browser's may
// not match); people read and type amounts in their own locale. Sums are BigInt minor units.

const formats = new Map();

/** An Intl.NumberFormat of the user's locale with `options`, made once. */
function numberFormat(options) {
  const key = JSON.stringify(options);
  if (!formats.has(key)) formats.set(key, new Intl.NumberFormat(undefined, options));
  return formats.get(key);
}

function format(currency, digits, options = {}) {
  return numberFormat({
    style: "currency",
    currency,
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
    ...options,
  });
}

/** How many decimals an API amount carries ("12.50" -> 2, "1200" -> 0). */
export function decimalsOf(amount) {
  const dot = String(amount).indexOf(".");
  return dot < 0 ? 0 : String(amount).length - dot - 1;
}

/** "-1234.50" EUR -> "-1.234,50 €" in German, "-€1,234.50" in US English. */
export function formatMoney(amount, currency) {
  // Intl formats a decimal string exactly (no float rounding).
  return format(currency, decimalsOf(amount)).format(String(amount));
}

/** An amount in a few characters, for a chart's axis: 1234.5 EUR -> "€1.2K" (rounded). */
export function compactMoney(value, currency) {
  const compact = numberFormat({
    style: "currency",
    currency,
    notation: "compact",
    maximumFractionDigits: 1,
  });
  return compact.format(value);
}

/** Whether an API amount is below zero ("-12.50"). */
export function isNegative(amount) {
  return String(amount).startsWith("-");
}

/** An amount as a person edits it: the locale's decimal mark, no symbol and no grouping. */
export function formatMoneyInput(amount, currency) {
  if (amount === null || amount === undefined || amount === "") return "";
  return format(currency, decimalsOf(amount), { style: "decimal", useGrouping: false }).format(
    String(amount),
  );
}

let marks = null;

/** The locale's digits (٠-٩ in Arabic), decimal mark and grouping mark. */
function localeMarks() {
  if (!marks) {
    const numbers = new Intl.NumberFormat(undefined);
    const parts = numbers.formatToParts(12345.6);
    const digits = new Intl.NumberFormat(undefined, { useGrouping: false }).format(9876543210);
    marks = {
      decimal: parts.find((p) => p.type === "decimal")?.value ?? ".",
      group: parts.find((p) => p.type === "group")?.value ?? ",",
      digits: new Map([...digits].map((digit, index) => [digit, String(9 - index)])),
    };
  }
  return marks;
}

/**
 * What a person typed ("1.234,50", "-12.5", "(12.50)", "12,50 €", "١٢٫٥٠") as the API's
 * decimal string. Text that is not a number comes back trimmed but otherwise as typed, so the
 * server's message about it names what was entered.
 */
export function parseMoneyInput(text) {
  const typed = String(text).trim();
  if (!typed) return "";
  const { decimal, group, digits } = localeMarks();
  // Bidi and other invisible marks (Hebrew, Arabic), spaces, currency symbols; native digits.
  let value = [...typed]
    .map((ch) => digits.get(ch) ?? ch)
    .join("")
    .replace(/[\p{Cf}\s'’]|\p{Sc}/gu, "");
  let negative = false;
  const bracketed = /^\((.*)\)$/.exec(value);
  if (bracketed) {
    negative = true;
    value = bracketed[1];
  }
  if (/^[+\-\u2212]/.test(value)) {
    negative = negative !== /^[-\u2212]/.test(value);
    value = value.slice(1);
  }
  // The locale's own marks first (e.g. "٫" and "٬"), then read "." or "," as people mean them.
  if (decimal !== "." && decimal !== ",") value = value.replaceAll(group, "").replaceAll(decimal, ".");
  else if (decimal === ",") value = value.replace(/[.,]/g, (mark) => (mark === "." ? "," : "."));
  if (/^\d{1,3}(,\d{3})+(\.\d*)?$/.test(value)) value = value.replaceAll(",", "");
  else if (/^\d*,\d*$/.test(value)) value = value.replace(",", "."); // "12,50" in any locale
  if (!/^(\d+(\.\d*)?|\.\d+)$/.test(value)) return typed;
  return (negative ? "-" : "") + value;
}

/** A decimal string as BigInt units of `digits` decimals (null when it is not one). */
export function toMinor(amount, digits) {
  const match = /^(-?)(\d*)(?:\.(\d*))?$/.exec(String(amount).trim());
  if (!match || (!match[2] && !match[3])) return null;
  const fraction = (match[3] || "").padEnd(digits, "0");
  if (fraction.length > digits && /[1-9]/.test(fraction.slice(digits))) return null;
  const minor = BigInt((match[2] || "0") + fraction.slice(0, digits));
  return match[1] ? -minor : minor;
}

/** BigInt units of `digits` decimals as the API's decimal string. */
export function fromMinor(minor, digits) {
  const negative = minor < 0n;
  const text = (negative ? -minor : minor).toString().padStart(digits + 1, "0");
  const whole = digits ? `${text.slice(0, -digits)}.${text.slice(-digits)}` : text;
  return (negative ? "-" : "") + whole;
}

/**
 * Sums of API amounts in several currencies, never added across currencies:
 * `totals([{amount: "1.50", currency: "EUR"}, ...])` -> Map("EUR" => "1.50").
 */
export function totals(items) {
  const sums = new Map();
  for (const { amount, currency } of items) {
    const digits = decimalsOf(amount);
    const sum = sums.get(currency) ?? { minor: 0n, digits };
    sum.minor += toMinor(amount, digits) ?? 0n;
    sums.set(currency, sum);
  }
  return new Map([...sums].map(([currency, { minor, digits }]) => [currency, fromMinor(minor, digits)]));
}

/** Totals as text, one amount per currency ("€1,200.00 · $35.10"); `empty` when there are none. */
export function formatTotals(sums, empty = "") {
  const parts = [...sums].map(([currency, amount]) => formatMoney(amount, currency));
  return parts.length ? parts.join(" · ") : empty;
}
