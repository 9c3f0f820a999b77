// How a transaction's status reads in a list.
import { STATUS_NAMES } from "../ledger.js";

const STATUS_ICONS = {
  uncleared: "bi-circle text-body-tertiary",
  cleared: "bi-check-circle-fill text-success",
  reconciled: "bi-lock-fill text-primary",
};

/** An icon for the status, with its name for screen readers and on hover. */
export function statusCell(status) {
  const icon = document.createElement("i");
  icon.className = `bi ${STATUS_ICONS[status] ?? ""}`;
  icon.title = STATUS_NAMES[status] ?? status;
  icon.setAttribute("role", "img");
  icon.setAttribute("aria-label", STATUS_NAMES[status] ?? status);
  return icon;
}
