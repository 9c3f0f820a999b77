// A transaction's payee with its tags as chips under it, in the lists (transactions, register).

/** The nodes of a payee cell: the payee's name, then a chip for each tag. */
export function payeeWithTags(payee, tags = []) {
  const nodes = [document.createTextNode(payee ?? "")];
  if (tags.length) {
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
    nodes.push(chips);
  }
  return nodes;
}
