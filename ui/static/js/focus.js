// Focus that stays where the person was: on the same row and control after a list is drawn
// again, and back on what opened a dialog once it closes (every Bootstrap modal, from here).

// The attributes that name a row whatever draws it: a transaction, a budget category.
const ROW_KEYS = ["data-txn-id", "data-category-id"];

/** A selector for where `element` is that still finds it after a re-draw, or null. */
export function placeOf(element) {
  if (!element || element === document.body) return null;
  if (element.id) return `#${CSS.escape(element.id)}`;
  const row = element.closest(ROW_KEYS.map((key) => `[${key}]`).join(", "));
  if (!row) return null;
  const key = ROW_KEYS.find((name) => row.hasAttribute(name));
  const rowPlace = `[${key}="${CSS.escape(row.getAttribute(key))}"]`;
  if (element === row) return rowPlace;
  const own = element.getAttribute("name")
    ? `[name="${CSS.escape(element.getAttribute("name"))}"]`
    : element.getAttributeNames().find((name) => name.startsWith("data-"));
  return own ? `${rowPlace} ${own.startsWith("[") ? own : `[${own}]`}` : rowPlace;
}

/** Focus what `place` finds; whether there was something. */
export function focusPlace(place) {
  const element = place && document.querySelector(place);
  if (!element) return false;
  element.focus();
  return true;
}

/** Run `draw()`, which replaces what `container` shows, keeping the focus on the same place. */
export function redrawKeepingFocus(container, draw) {
  const active = document.activeElement;
  const place = container.contains(active) ? placeOf(active) : null;
  draw();
  if (place && !active.isConnected) focusPlace(place);
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
