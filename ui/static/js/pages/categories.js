// A book's category groups and their categories: add, rename in place, archive or restore,
// delete; a category in use is deleted only by moving its transactions to another first.
import { api, fetchAll } from "../api.js";
import { redrawKeepingFocus } from "../focus.js";
import { bindForm, clearErrors, showProblem } from "../forms.js";
import { bookOf, hideWritersControls, loadCategories, showPageError } from "../ledger.js";

const root = document.getElementById("categories-page");
const book = bookOf(root);
const list = document.getElementById("groups");
const showArchived = document.getElementById("show-archived");
hideWritersControls(root, book);

let groups = [];
let categories = [];

function fromTemplate(id) {
  return document.getElementById(id).content.firstElementChild.cloneNode(true);
}

/** Swap `nameElement` for an input; Enter saves through `save(name)`, Esc gives up. */
function renameInPlace(nameElement, save) {
  if (!nameElement) return; // already being renamed
  const form = fromTemplate("rename-form");
  const input = form.elements.namedItem("name");
  input.value = nameElement.textContent;
  nameElement.replaceWith(form);
  input.focus();
  input.select();
  const giveUp = () => form.replaceWith(nameElement);
  input.addEventListener("keydown", (event) => {
    if (event.key === "Escape") giveUp();
  });
  bindForm(form, async ({ name }) => {
    if (name.trim() === nameElement.textContent) giveUp();
    else await save(name);
  });
}

/** The rename and archive actions a group and a category share (`item` as the API sent it). */
function renameAndArchive(element, path, item) {
  return {
    rename: () =>
      // Its own name only (a group card holds its categories' names too).
      renameInPlace(element.querySelector(":scope > div > [data-name]"), async (name) => {
        await api("PATCH", path, { name });
        await refresh();
      }),
    archive: async () => {
      await api("PATCH", path, { archived: !item.archived });
      await refresh();
    },
  };
}

function categoryItem(category) {
  const item = fromTemplate("category-item");
  item.dataset.categoryId = category.id;
  item.querySelector("[data-name]").textContent = category.name;
  item.querySelector("[data-income]").classList.toggle("d-none", category.kind !== "income");
  item.querySelector("[data-archived]").classList.toggle("d-none", !category.archived);
  const path = book.path(`/categories/${category.id}`);
  const reassign = item.querySelector("[data-reassign]");
  const actions = {
    ...renameAndArchive(item, path, category),
    delete: async () => {
      if (!window.confirm(`Delete the category “${category.name}”?`)) return;
      try {
        await api("DELETE", path);
        await refresh();
      } catch (err) {
        if (err.status !== 409) throw err;
        // In use: offer to move what uses it to another category, or to archive it.
        const targets = categories.filter((c) => c.id !== category.id && !c.archived);
        reassign.elements
          .namedItem("reassign_to")
          .replaceChildren(...targets.map((c) => new Option(`${c.group}: ${c.name}`, c.id)));
        reassign.classList.replace("d-none", "d-flex");
      }
    },
  };
  bindActions(item, item, actions);
  bindForm(reassign, async ({ reassign_to: target }) => {
    await api("DELETE", `${path}?${new URLSearchParams({ reassign_to: target })}`);
    await refresh();
  });
  return item;
}

function groupCard(group) {
  const card = fromTemplate("group-card");
  const section = card.querySelector("[data-group]");
  section.dataset.groupId = group.id;
  section.querySelector("[data-name]").textContent = group.name;
  section.querySelector("[data-archived]").classList.toggle("d-none", !group.archived);
  const members = categories.filter((c) => c.group_id === group.id && (showArchived.checked || !c.archived));
  section.querySelector("[data-categories]").append(...members.map(categoryItem));
  const path = book.path(`/category-groups/${group.id}`);
  bindActions(section.querySelector(".card-header"), section, {
    ...renameAndArchive(section, path, group),
    delete: async () => {
      if (!window.confirm(`Delete the group “${group.name}”?`)) return;
      await api("DELETE", path);
      await refresh();
    },
  });
  const newCategory = section.querySelector("[data-new-category]");
  bindForm(newCategory, async ({ name, kind }) => {
    await api("POST", book.path("/categories"), { name, kind, group_id: group.id });
    await refresh();
    document.querySelector(`[data-group-id="${group.id}"] [data-new-category] [name="name"]`)?.focus();
  });
  if (!book.canWrite) {
    for (const el of section.querySelectorAll("[data-writer]")) el.remove();
  }
  return card;
}

/** Run the `data-action` buttons in `scope`; a refusal shows in `owner`'s alert. */
function bindActions(scope, owner, actions) {
  scope.addEventListener("click", async (event) => {
    const button = event.target.closest("[data-action]");
    if (!button || !actions[button.dataset.action]) return;
    clearErrors(owner);
    try {
      await actions[button.dataset.action]();
    } catch (err) {
      showProblem(owner, err);
    }
  });
}

async function refresh() {
  [groups, categories] = await Promise.all([
    fetchAll(book.path("/category-groups"), { include_archived: "true" }),
    loadCategories(book),
  ]);
  const shownGroups = groups.filter((g) => showArchived.checked || !g.archived);
  redrawKeepingFocus(list, () => list.replaceChildren(...shownGroups.map(groupCard)));
  list.setAttribute("aria-busy", "false");
}

showArchived.addEventListener("change", () => refresh().catch((err) => showPageError(root, err)));

const groupForm = document.getElementById("group-form");
bindForm(groupForm, async ({ name }) => {
  await api("POST", book.path("/category-groups"), { name });
  groupForm.reset();
  await refresh();
});

refresh().catch((err) => {
  list.setAttribute("aria-busy", "false");
  showPageError(root, err);
});
