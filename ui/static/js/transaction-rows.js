// How a transaction's date and status read in a list.
import { STATUS_NAMES } from "./ledger.js";

const dates = new Intl.DateTimeFormat(undefined, { dateStyle: "medium" });
const STATUS_ICONS = {
  uncleared: "bi-circle text-body-tertiary",
  cleared: "bi-check-circle-fill text-success",
  reconciled: "bi-lock-fill text-primary",
};

/** "2026-03-04" in the user's locale ("Mar 4, 2026", "04.03.2026"). */
export function formatDate(isoDate) {
  const [year, month, day] = isoDate.split("-").map(Number);
  return dates.format(new Date(year, month - 1, day));
}

/** An icon for the status, with its name for screen readers and on hover. */
export function statusCell(status) {
  const icon = document.createElement("i");
  icon.className = `bi ${STATUS_ICONS[status] ?? ""}`;
  icon.title = STATUS_NAMES[status] ?? status;
  icon.setAttribute("role", "img");
  icon.setAttribute("aria-label", STATUS_NAMES[status] ?? status);
  return icon;
}
