// Nothing is cut without a word: a text field states its limit (`data-max-length`, no
// `maxlength`, which silently drops what is typed or pasted past it). Near the limit a counter
// shows under the field; past it, the counter says what the server will answer.

const NEAR = 0.8; // the counter shows from this share of the limit on

function counterOf(input) {
  let counter = input.parentElement.querySelector(":scope > [data-length-counter]");
  if (!counter) {
    counter = document.createElement("div");
    counter.className = "form-text";
    counter.dataset.lengthCounter = "";
    counter.setAttribute("aria-live", "polite");
    input.parentElement.append(counter);
  }
  return counter;
}

/** Show how much of its limit `input` uses, once it comes near it. */
export function showLength(input) {
  const most = Number(input.dataset.maxLength);
  const length = input.value.trim().length;
  const existing = input.parentElement?.querySelector(":scope > [data-length-counter]");
  if (length < most * NEAR) {
    existing?.remove();
    return;
  }
  const counter = existing ?? counterOf(input);
  const over = length > most;
  const limit = most.toLocaleString();
  counter.textContent = over
    ? `${length.toLocaleString()} / ${limit}: use at most ${limit} characters.`
    : `${length.toLocaleString()} / ${limit}`;
  counter.classList.toggle("text-danger", over);
}

document.addEventListener("input", (event) => {
  if (event.target instanceof HTMLElement && event.target.dataset.maxLength) showLength(event.target);
});
