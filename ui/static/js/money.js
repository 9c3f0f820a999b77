// Money in the browser, in one place: the API speaks exact decimal strings ("-12.34"); people
// read and type amounts in their own locale. Arithmetic is done on BigInt minor units, never
// on floats.

const formats = new Map();

function format(currency, options = {}) {
  const key = `${currency}|${JSON.stringify(options)}`;
  if (!formats.has(key)) {
    formats.set(key, new Intl.NumberFormat(undefined, { style: "currency", currency, ...options }));
  }
  return formats.get(key);
}

/** How many decimals the currency has (2 for EUR, 0 for JPY). */
export function minorDigits(currency) {
  return format(currency).resolvedOptions().maximumFractionDigits;
}

/** "-1234.5" EUR -> "-1.234,50 €" in German, "-€1,234.50" in US English. */
export function formatMoney(amount, currency) {
  // Intl formats a decimal string exactly (no float rounding).
  return format(currency).format(String(amount));
}

/** An amount as a person edits it: the locale's decimal mark, no symbol and no grouping. */
export function formatMoneyInput(amount, currency) {
  if (amount === null || amount === undefined || amount === "") return "";
  return format(currency, { style: "decimal", useGrouping: false, minimumFractionDigits: minorDigits(currency) })
    .format(String(amount));
}

function separators() {
  const parts = new Intl.NumberFormat(undefined).formatToParts(1.5);
  return { decimal: parts.find((p) => p.type === "decimal")?.value ?? "." };
}

/**
 * What a person typed ("1.234,50", "-12.5", "(12.50)", "12,50 €") as the API's decimal string.
 * Text that is not a number comes back trimmed but otherwise as typed, so the server's
 * message about it names what was entered.
 */
export function parseMoneyInput(text) {
  let value = String(text).trim();
  if (!value) return "";
  const { decimal } = separators();
  let negative = false;
  const bracketed = /^\((.*)\)$/.exec(value);
  if (bracketed) {
    negative = true;
    value = bracketed[1];
  }
  value = value.replace(/[\s\u00a0\u202f'’]|\p{Sc}/gu, "");
  if (/^[+\-\u2212]/.test(value)) {
    negative = negative !== /^[-\u2212]/.test(value);
    value = value.slice(1);
  }
  // Read it as if "." were the decimal mark and "," the grouping, whatever the locale.
  if (decimal === ",") value = value.replace(/[.,]/g, (mark) => (mark === "." ? "," : "."));
  if (/^\d{1,3}(,\d{3})+(\.\d*)?$/.test(value)) value = value.replaceAll(",", "");
  else if (/^\d*,\d*$/.test(value)) value = value.replace(",", "."); // "12,50" in any locale
  if (!/^(\d+(\.\d*)?|\.\d+)$/.test(value)) return String(text).trim();
  return (negative ? "-" : "") + value;
}

/** A decimal string as BigInt minor units of the currency (null when it is not one). */
export function toMinor(amount, currency) {
  const match = /^(-?)(\d*)(?:\.(\d*))?$/.exec(String(amount).trim());
  if (!match || (!match[2] && !match[3])) return null;
  const digits = minorDigits(currency);
  const fraction = (match[3] || "").padEnd(digits, "0");
  if (fraction.length > digits && /[1-9]/.test(fraction.slice(digits))) return null;
  const minor = BigInt((match[2] || "0") + fraction.slice(0, digits));
  return match[1] ? -minor : minor;
}

/** BigInt minor units as the API's decimal string. */
export function fromMinor(minor, currency) {
  const digits = minorDigits(currency);
  const negative = minor < 0n;
  const text = (negative ? -minor : minor).toString().padStart(digits + 1, "0");
  const whole = digits ? `${text.slice(0, -digits)}.${text.slice(-digits)}` : text;
  return (negative ? "-" : "") + whole;
}

/**
 * Sums of amounts in several currencies, never added across currencies:
 * `totals([{amount: "1.50", currency: "EUR"}, ...])` -> Map("EUR" => 150n).
 */
export function totals(items) {
  const sums = new Map();
  for (const { amount, currency } of items) {
    sums.set(currency, (sums.get(currency) ?? 0n) + (toMinor(amount, currency) ?? 0n));
  }
  return sums;
}

/** Totals as text, one amount per currency ("€1,200.00 · $35.10"); `empty` when there are none. */
export function formatTotals(sums, empty = "") {
  const parts = [...sums].map(([currency, minor]) => formatMoney(fromMinor(minor, currency), currency));
  return parts.length ? parts.join(" · ") : empty;
}
