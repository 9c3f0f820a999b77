// A transaction's tags as chips under its payee, in the lists (transactions, register).

/** The tags as chips, to put after the payee: no node when there are none. */
export function tagChips(tags = []) {
  if (!tags.length) return [];
  const chips = document.createElement("div");
  chips.className = "d-flex flex-wrap gap-1 mt-1";
  chips.dataset.tags = "";
  for (const tag of tags) {
    const chip = document.createElement("span");
    chip.className = "badge rounded-pill border bg-body-secondary text-body fw-normal";
    chip.dataset.tag = tag;
    chip.textContent = tag;
    chips.append(chip);
  }
  return [chips];
}
