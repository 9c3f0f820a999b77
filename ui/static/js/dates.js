// Days and moments as the API writes them ("2026-03-04", "2026-03-04T09:30:00Z") and as people
// read them, in their own locale and time zone.

const days = new Intl.DateTimeFormat(undefined, { dateStyle: "medium" });
const moments = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });

/** Today in the user's time zone, as the API writes dates ("2026-11-24"). */
export function today() {
  const now = new Date();
  return new Date(now.getTime() - now.getTimezoneOffset() * 60000).toISOString().slice(0, 10);
}

/** "2026-03-04" as a Date at local midnight of that day. */
export function localDate(isoDate) {
  const [year, month, day] = isoDate.split("-").map(Number);
  return new Date(year, month - 1, day);
}

/** "2026-03-04" in the user's locale ("Mar 4, 2026", "04.03.2026"). */
export function formatDate(isoDate) {
  return days.format(localDate(isoDate));
}

/** A timestamp of the API in the user's locale and time zone; `withTime: false` for the day only. */
export function formatTimestamp(timestamp, { withTime = true } = {}) {
  return (withTime ? moments : days).format(new Date(timestamp));
}

// ---- dates as people type them ---------------------------------------------------------------

/** How `locale` writes a day in digits: the order of its parts and what goes between them. */
function numericStyle(locale) {
  const parts = new Intl.DateTimeFormat(locale, {
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
  }).formatToParts(new Date(2026, 11, 31));
  const order = parts.map((part) => part.type).filter((type) => ["year", "month", "day"].includes(type));
  // One mark the reading below knows ("2026. 12. 31." in Korean is "2026.12.31"; no bidi marks).
  const marks = parts.filter((part) => part.type === "literal").map((part) => /[./-]/.exec(part.value)?.[0]);
  return { order, separator: marks.find(Boolean) ?? "-" };
}

/** "2026-12-31" in digits in the order of the browser's language ("31.12.2026", "12/31/2026"). */
export function dateText(isoDate, locale = navigator.language) {
  const { order, separator } = numericStyle(locale);
  const [year, month, day] = isoDate.split("-");
  const value = { year, month, day };
  return order.map((part) => value[part]).join(separator);
}

/** A day of the calendar as "YYYY-MM-DD", or null when there is no such day (31 April). */
function isoDay(year, month, day) {
  const date = new Date(year, month - 1, day);
  if (year < 1000 || date.getFullYear() !== year || date.getMonth() !== month - 1) return null;
  return `${String(year).padStart(4, "0")}-${String(month).padStart(2, "0")}-${String(day).padStart(2, "0")}`;
}

/** A two-digit year within a hundred years around `thisYear` (26 is 2026, 99 is 1999). */
function fullYear(typed, thisYear) {
  if (typed.length > 2) return Number(typed);
  const year = Math.floor(thisYear / 100) * 100 + Number(typed);
  return year > thisYear + 20 ? year - 100 : year;
}

/**
 * A date as typed, as "YYYY-MM-DD", or null when it does not read as one day. The locale's
 * order ("31.12.2026" in de, "12/31/2026" in en-US); "2026-12-31" everywhere; and short forms
 * the way Quicken and GnuCash read them: "31.12." is this year, "5" the 5th of this month.
 */
export function parseDate(text, { locale = navigator.language, todayIso = today() } = {}) {
  const typed = text.trim();
  const [thisYear, thisMonth] = todayIso.split("-").map(Number);
  const iso = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(typed);
  if (iso) return isoDay(Number(iso[1]), Number(iso[2]), Number(iso[3]));
  if (!/^\d{1,4}([./\-\s]+\d{1,4}){0,2}[./\-\s]*$/.test(typed)) return null;
  const numbers = typed.split(/[./\-\s]+/).filter(Boolean);
  if (numbers.length === 1) {
    return numbers[0].length <= 2 ? isoDay(thisYear, thisMonth, Number(numbers[0])) : null;
  }
  const { order } = numericStyle(locale);
  // Without a year the others keep their order ("31.12." in de, "12/31" in en-US).
  const parts = numbers.length === 2 ? order.filter((part) => part !== "year") : order;
  const value = Object.fromEntries(parts.map((part, index) => [part, numbers[index]]));
  if (value.day.length > 2 || value.month.length > 2) return null;
  const year = value.year === undefined ? thisYear : fullYear(value.year, thisYear);
  return isoDay(year, Number(value.month), Number(value.day));
}

/** The day `days` after "YYYY-MM-DD" (before, when negative). */
export function addDays(isoDate, days) {
  const date = localDate(isoDate);
  date.setDate(date.getDate() + days);
  return isoDay(date.getFullYear(), date.getMonth() + 1, date.getDate());
}
