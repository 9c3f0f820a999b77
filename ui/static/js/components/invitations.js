// Invitations to you, in Settings › Households: which book, from whom, as what; accept to join
// the book, or decline. `onJoined(book)` runs after an accepted invitation.
import { api, fetchAll } from "../api.js";
import { formatTimestamp } from "../dates.js";
import { showText } from "../dom.js";
import { t } from "../i18n.js";
import { ROLE_NAMES } from "../ledger.js";

export async function myInvitations(onJoined) {
  const box = document.getElementById("my-invitations");
  const list = box.querySelector("[data-invitation-list]");
  const errorBox = box.querySelector("[data-invitations-error]");

  function answerButton(label, className, onClick) {
    const button = document.createElement("button");
    button.type = "button";
    button.className = `btn btn-sm ${className}`;
    button.textContent = label;
    button.addEventListener("click", async () => {
      showText(errorBox, "");
      button.disabled = true;
      try {
        await onClick();
      } catch (err) {
        showText(errorBox, err.message);
        await load(); // answered elsewhere, withdrawn or expired meanwhile
      }
    });
    return button;
  }

  function item(invitation) {
    const li = document.createElement("li");
    li.className = "list-group-item d-flex flex-wrap align-items-center gap-2 px-0";
    li.dataset.invitation = invitation.book_name;
    const text = document.createElement("span");
    text.className = "me-auto";
    const role = ROLE_NAMES[invitation.role] ?? invitation.role;
    const until = formatTimestamp(invitation.expires_at, { withTime: false });
    text.textContent = t("{person} invites you to “{book}” as {role} (until {until}).", {
      person: invitation.invited_by,
      book: invitation.book_name,
      role,
      until,
    });
    const accept = answerButton(t("Accept"), "btn-primary", async () => {
      const book = await api("POST", `/me/invitations/${invitation.id}/accept`);
      await load();
      await onJoined(book);
    });
    accept.dataset.answer = "accept";
    const decline = answerButton(t("Decline"), "btn-outline-secondary", async () => {
      await api("DELETE", `/me/invitations/${invitation.id}`);
      await load();
    });
    decline.dataset.answer = "decline";
    li.append(text, accept, decline);
    return li;
  }

  async function load() {
    const invitations = await fetchAll("/me/invitations");
    list.replaceChildren(...invitations.map(item));
    box.classList.toggle("d-none", invitations.length === 0);
  }

  await load();
}
