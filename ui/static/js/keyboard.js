// The keyboard shortcuts: one listener for the whole app, the keys each page adds, and the help
// overlay (`?`) that lists them. Shortcuts wait while a person types in a field or a dialog is
// open; only Ctrl+Enter (⌘ Enter on a Mac), which saves, works there too (Esc is the field's
// or the dialog's own).

const MAC = /Mac|iPhone|iPad/.test(navigator.userAgentData?.platform ?? navigator.platform);
// Inputs that take typing (where letters, and Ctrl+Z, belong to the text): all but these.
const NOT_TYPED = new Set(["checkbox", "radio", "button", "submit", "reset", "range", "color", "file"]);
const WHILE_TYPING = new Set(["Ctrl+Enter"]);
const PAGE = "This page";

// What the help lists, by section: [keys, what they do]; and what runs for each key.
const sections = new Map([
  [PAGE, []],
  ["Everywhere", []],
]);
const handlers = new Map();

/** A key as the shortcuts name it: "n", "?", "ArrowDown", "Ctrl+Z", "Ctrl+Shift+Z" (⌘ is Ctrl). */
function comboOf(event) {
  if (!(event.ctrlKey || event.metaKey)) return event.key;
  const key = event.key.length === 1 ? event.key.toUpperCase() : event.key;
  return `Ctrl+${event.shiftKey ? "Shift+" : ""}${key}`;
}

/** Whether typing into `target` goes into text (a text field, a select, editable content). */
function typing(target) {
  if (!(target instanceof Element)) return false;
  if (target.closest("textarea, select, [contenteditable=''], [contenteditable='true']")) return true;
  return target instanceof HTMLInputElement && !NOT_TYPED.has(target.type);
}

/** List keys in the help under `section`; whatever handles them is elsewhere (a field's own keys). */
export function listShortcut(section, keys, label) {
  if (!sections.has(section)) sections.set(section, []);
  sections.get(section).push([MAC ? keys.replaceAll("Ctrl+", "⌘ ") : keys, label]);
}

/**
 * Press `combo` ("n", "Ctrl+Z") to `run()` (which may answer false: not now, the key does its
 * usual); listed in the help as `label` under `section`.
 */
export function addShortcut(combo, label, run, section = PAGE) {
  handlers.set(combo, run);
  listShortcut(section, combo, label);
}

/**
 * Move between the rows (`rowSelector`) of `list` with j/k and the arrow keys; the page's own
 * Enter on a row does `enterLabel` (if anything).
 */
export function addRowNavigation(list, rowSelector, enterLabel) {
  const move = (step) => {
    const rows = [...list.querySelectorAll(rowSelector)];
    const at = rows.indexOf(document.activeElement);
    rows[at < 0 ? (step > 0 ? 0 : rows.length - 1) : at + step]?.focus();
  };
  // The arrows scroll the page, unless a row has the focus.
  const onRow = () => list.contains(document.activeElement) && document.activeElement.matches(rowSelector);
  handlers.set("j", () => move(1));
  handlers.set("k", () => move(-1));
  handlers.set("ArrowDown", () => (onRow() ? move(1) : false));
  handlers.set("ArrowUp", () => (onRow() ? move(-1) : false));
  listShortcut(PAGE, "j ↓", "Next row");
  listShortcut(PAGE, "k ↑", "Previous row");
  if (enterLabel) listShortcut(PAGE, "Enter", enterLabel);
}

/** Save the open dialog's form, or the editor or form holding the focus. */
function saveWhatIsOpen() {
  const modal = document.querySelector(".modal.show");
  const active = document.activeElement;
  const save = modal
    ? modal.querySelector("form [type=submit]")
    : (active?.closest("[data-editor]")?.querySelector("[data-save]") ??
      active?.closest("form")?.querySelector("[type=submit]"));
  save?.click();
}

const help = document.getElementById("shortcuts-dialog");

function showHelp() {
  const rows = [...sections]
    .filter(([, entries]) => entries.length)
    .flatMap(([section, entries]) => [sectionRow(section), ...entries.map((entry) => shortcutRow(...entry))]);
  help.querySelector("[data-shortcut-list]").replaceChildren(...rows);
  window.bootstrap.Modal.getOrCreateInstance(help).show();
}

function sectionRow(section) {
  const row = document.createElement("tr");
  const cell = document.createElement("th");
  cell.scope = "rowgroup";
  cell.colSpan = 2;
  cell.className = "pt-3";
  cell.textContent = section;
  row.append(cell);
  return row;
}

function shortcutRow(keys, label) {
  const row = document.createElement("tr");
  const keysCell = document.createElement("td");
  keys.split(" ").forEach((key, index) => {
    if (index) keysCell.append(" ");
    const kbd = document.createElement("kbd");
    kbd.textContent = key;
    keysCell.append(kbd);
  });
  const labelCell = document.createElement("td");
  labelCell.textContent = label;
  row.append(keysCell, labelCell);
  return row;
}

const search = document.querySelector('input[type="search"]');
if (search) addShortcut("/", "Search", () => search.focus());
addShortcut("?", "Show these shortcuts", showHelp, "Everywhere");
addShortcut("Ctrl+Enter", "Save the open form or dialog", saveWhatIsOpen, "Everywhere");
listShortcut("Everywhere", "Esc", "Cancel the change, close the dialog");

document.addEventListener("keydown", (event) => {
  if (event.defaultPrevented || event.isComposing || event.altKey) return;
  const combo = comboOf(event);
  const run = handlers.get(combo);
  if (!run) return;
  const busy = typing(event.target) || document.querySelector(".modal.show");
  if (busy && !WHILE_TYPING.has(combo)) return;
  if (run() !== false) event.preventDefault();
});

for (const button of document.querySelectorAll("[data-shortcuts-help]")) {
  button.addEventListener("click", showHelp);
}
