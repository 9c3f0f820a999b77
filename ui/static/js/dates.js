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
