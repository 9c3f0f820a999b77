// Small DOM helpers the pages build with: a form's fields by name, table cells, a small
// button, and a message box that hides when it has nothing to say.

/** A function giving the form's field of a name: `const field = fieldsOf(form); field("amount")`. */
export function fieldsOf(form) {
  return (name) => form.elements.namedItem(name);
}

/**
 * A table cell (a `td`, or `tag`) holding text or an element; `data` becomes its data
 * attributes, e.g. `cell("12.50", { className: "text-end", data: { figure: "amount" } })`.
 */
export function cell(content, { tag = "td", className = "", scope = "", data = {} } = {}) {
  const element = document.createElement(tag);
  if (content instanceof Node) element.append(content);
  else element.textContent = content ?? "";
  if (className) element.className = className;
  if (scope) element.scope = scope;
  Object.assign(element.dataset, data);
  return element;
}

/** A small red button (revoke, remove, undo…) that runs `onClick`; `ariaLabel` says on what. */
export function dangerButton(label, onClick, ariaLabel = "") {
  const element = document.createElement("button");
  element.type = "button";
  element.className = "btn btn-outline-danger btn-sm";
  element.textContent = label;
  if (ariaLabel) element.setAttribute("aria-label", ariaLabel);
  element.addEventListener("click", onClick);
  return element;
}

/** Show `text` in `box`, or hide the box when there is none. */
export function showText(box, text) {
  box.textContent = text;
  box.classList.toggle("d-none", !text);
}
