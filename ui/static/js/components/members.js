// Households in Settings: who shares each book, with which role, and who is invited. Owners
// invite people by username (they join when they accept), withdraw invitations, change roles
// and remove people; anyone may leave a book (but its last owner).
import { api, fetchAll } from "../api.js";
import { cell, dangerButton, showText } from "../dom.js";
import { bindForm } from "../forms.js";
import { t } from "../i18n.js";
import { ROLE_NAMES } from "../ledger.js";
import { myInvitations } from "./invitations.js";

export async function membersSection() {
  const bookSelect = document.getElementById("members-book");
  const body = document.querySelector("#members-table tbody");
  const form = document.getElementById("member-form");
  const errorBox = document.querySelector("[data-members-error]");
  const sentBox = form.querySelector("[data-invitation-sent]");
  let books = [];
  let me = null;

  function showError(err) {
    showText(errorBox, err ? err.message : "");
  }

  const book = () => books.find((b) => String(b.id) === bookSelect.value);
  const path = (rest = "") => `/books/${bookSelect.value}/members${rest}`;
  const invitations = (rest = "") => `/books/${bookSelect.value}/invitations${rest}`;

  function roleCell(member, isOwner) {
    const td = document.createElement("td");
    if (!isOwner) {
      td.textContent = ROLE_NAMES[member.role] ?? member.role;
      return td;
    }
    const select = document.createElement("select");
    select.className = "form-select form-select-sm w-auto";
    select.setAttribute("aria-label", t("Role of {name}", { name: member.username }));
    select.dataset.role = member.username;
    select.append(...Object.entries(ROLE_NAMES).map(([value, label]) => new Option(label, value)));
    select.value = member.role;
    select.addEventListener("change", async () => {
      showError(null);
      body.setAttribute("aria-busy", "true"); // until the list is drawn again
      try {
        await api("PATCH", path(`/${member.user_id}`), { role: select.value });
        // A new role of one's own changes what one may do here.
        if (member.user_id === me.id) await start();
        else await load();
      } catch (err) {
        select.value = member.role;
        body.setAttribute("aria-busy", "false");
        showError(err);
      }
    });
    td.append(select);
    return td;
  }

  function actionCell(member, isOwner) {
    const td = document.createElement("td");
    td.className = "text-end";
    const mine = member.user_id === me.id;
    if (!isOwner && !mine) return td;
    const button = dangerButton(mine ? t("Leave") : t("Remove"), async () => {
      const question = mine
        ? t("Leave “{book}”? You will no longer see it.", { book: book().name })
        : t("Remove {name} from “{book}”?", { name: member.username, book: book().name });
      if (!window.confirm(question)) return;
      showError(null);
      try {
        await api("DELETE", path(`/${member.user_id}`));
        if (mine) await start();
        else await load();
      } catch (err) {
        showError(err);
      }
    });
    button.dataset.remove = member.username;
    td.append(button);
    return td;
  }

  // A person's name with a word after it ("you", "invited").
  function nameCell(name, word, className) {
    const td = cell(name);
    if (word) {
      const badge = document.createElement("span");
      badge.className = `badge ${className} ms-2`;
      badge.textContent = word;
      td.append(badge);
    }
    return td;
  }

  // A pending invitation: the name as the owner typed it, the role it offers, and (for
  // owners) a way to withdraw it.
  function invitationRow(invitation, isOwner) {
    const tr = document.createElement("tr");
    tr.dataset.invited = invitation.username;
    const actions = cell("", { className: "text-end" });
    if (isOwner) {
      const withdraw = dangerButton(
        t("Withdraw"),
        async () => {
          showError(null);
          try {
            await api("DELETE", invitations(`/${invitation.id}`));
            await load();
          } catch (err) {
            showError(err);
          }
        },
        t("Withdraw the invitation of {name}", { name: invitation.username }),
      );
      withdraw.dataset.withdraw = invitation.username;
      actions.append(withdraw);
    }
    const name = nameCell(invitation.username, t("invited"), "text-bg-light border");
    tr.append(name, cell(ROLE_NAMES[invitation.role] ?? invitation.role), actions);
    return tr;
  }

  async function load() {
    const current = book();
    if (!current) {
      body.replaceChildren();
      return;
    }
    const isOwner = current.role === "owner";
    body.setAttribute("aria-busy", "true");
    const [members, pending] = await Promise.all([fetchAll(path()), fetchAll(invitations())]);
    body.setAttribute("aria-busy", "false");
    body.replaceChildren(
      ...members.map((member) => {
        const tr = document.createElement("tr");
        tr.dataset.member = member.username;
        const name = nameCell(member.username, member.user_id === me.id ? t("you") : "", "text-bg-secondary");
        tr.append(name, roleCell(member, isOwner), actionCell(member, isOwner));
        return tr;
      }),
      ...pending.map((invitation) => invitationRow(invitation, isOwner)),
    );
    form.classList.toggle("d-none", !isOwner);
    document.querySelector("[data-members-read-only]").classList.toggle("d-none", isOwner);
  }

  async function start(chosen = bookSelect.value) {
    [me, books] = await Promise.all([api("GET", "/me"), fetchAll("/books")]);
    bookSelect.replaceChildren(...books.map((b) => new Option(b.name, b.id)));
    if (books.some((b) => String(b.id) === chosen)) bookSelect.value = chosen;
    await load();
  }

  bookSelect.addEventListener("change", () => {
    showError(null);
    showText(sentBox, "");
    load().catch(showError);
  });
  bindForm(form, async ({ username, role }) => {
    showText(sentBox, "");
    const sent = await api("POST", invitations(), { username: username.trim(), role });
    form.reset();
    showText(
      sentBox,
      t("Invitation sent to {name}: they join the book when they accept it.", { name: sent.username }),
    );
    await load();
  });
  await start();
  // Accepting an invitation adds a book: show it, with its people.
  await myInvitations((joined) => start(String(joined.id)));
}
