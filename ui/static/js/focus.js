// Focus that stays where the person was: on the same row and control after a list is drawn
// again, and back on what opened a dialog once it closes (every Bootstrap modal, from here).

// The attributes that name a row whatever draws it: a transaction, a (budget) category, a
// category group, a rule, a schedule.
const ROW_KEYS = ["data-txn-id", "data-category-id", "data-group-id", "data-rule-id", "data-schedule-id"];

/** A selector for where `element` is that still finds it after a re-draw, or null. */
function placeOf(element) {
  if (!element || element === document.body) return null;
  if (element.id) return `#${CSS.escape(element.id)}`;
  const row = element.closest(ROW_KEYS.map((key) => `[${key}]`).join(", "));
  if (!row) return null;
  const key = ROW_KEYS.find((name) => row.hasAttribute(name));
  const rowPlace = `[${key}="${CSS.escape(row.getAttribute(key))}"]`;
  if (element === row) return rowPlace;
  // The control by its name, else by its first data attribute (with its value: "rename" or "delete").
  const attribute = element.hasAttribute("name")
    ? "name"
    : element.getAttributeNames().find((name) => name.startsWith("data-"));
  if (!attribute) return rowPlace;
  const value = element.getAttribute(attribute);
  return `${rowPlace} [${attribute}${value ? `="${CSS.escape(value)}"` : ""}]`;
}

/** Focus what `place` finds in `within`, if anything. */
function focusPlace(place, within = document) {
  if (place) within.querySelector(place)?.focus();
}

/** Run `draw()`, which replaces what `container` shows, keeping the focus on the same place. */
export function redrawKeepingFocus(container, draw) {
  const active = document.activeElement;
  const place = container.contains(active) ? placeOf(active) : null;
  draw();
  if (place && !active.isConnected) focusPlace(place, container);
}

// A dialog gives the focus back to its opener; an opener drawn again meanwhile (the row of a
// list saved from the dialog) is found again by its place.
const openers = new WeakMap();

document.addEventListener("show.bs.modal", (event) => {
  const opener = document.activeElement;
  if (!opener || opener === document.body || event.target.contains(opener)) return;
  openers.set(event.target, { element: opener, place: placeOf(opener) });
});

document.addEventListener("hidden.bs.modal", (event) => {
  const opener = openers.get(event.target);
  openers.delete(event.target);
  if (!opener || document.querySelector(".modal.show")) return;
  if (opener.element.isConnected) opener.element.focus();
  else focusPlace(opener.place);
});
