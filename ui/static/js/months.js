// Months as the API writes them ("2025-03"): counting months, a month's last day, and the
// month's name in the user's language.

const longNames = new Intl.DateTimeFormat(undefined, { month: "long", year: "numeric", timeZone: "UTC" });
const shortNames = new Intl.DateTimeFormat(undefined, { month: "short", year: "numeric", timeZone: "UTC" });

function parts(month) {
  return [Number(month.slice(0, 4)), Number(month.slice(5, 7))];
}

/** The month `count` months after `month` (before it, when negative): ("2025-11", 3) -> "2026-02". */
export function addMonths(month, count) {
  const [year, number] = parts(month);
  const index = year * 12 + number - 1 + count;
  return `${String(Math.floor(index / 12)).padStart(4, "0")}-${String((index % 12) + 1).padStart(2, "0")}`;
}

/** The last day of a month, as the API writes dates ("2025-02" -> "2025-02-28"). */
export function lastDay(month) {
  const [year, number] = parts(month);
  const day = new Date(Date.UTC(year, number, 0)).getUTCDate();
  return `${month}-${String(day).padStart(2, "0")}`;
}

/** "2025-03" -> "March 2025" (or "Mar 2025" when `short`), in the user's language. */
export function monthName(month, short = false) {
  const [year, number] = parts(month);
  return (short ? shortNames : longNames).format(new Date(Date.UTC(year, number - 1, 1)));
}
