// The one field a transaction's date is typed in: text in the user's locale ("31.12.2026" in
// German, "12/31/2026" in US English, "2026-12-31" anywhere, "5" for the 5th of this month),
// `+`/`-` or the arrows for a day later or earlier, `t` for today, and the browser's calendar
// on demand (the button, or Alt+↓). The API gets "YYYY-MM-DD"; what does not read as a day
// is said at the field, never sent as another day.
import { addDays, dateText, parseDate, today } from "../dates.js";
import { clearError, showError } from "../forms.js";
import { listShortcut } from "../keyboard.js";

const fields = new WeakMap();

listShortcut("In a date field", "t", "Today");
listShortcut("In a date field", "+ ↑", "A day later");
listShortcut("In a date field", "- ↓", "A day earlier (once the field holds a date)");
listShortcut("In a date field", "Alt+↓", "Choose on a calendar");

export class DateField {
  /** The field of the text input `input` (inside its `[data-date-field]` group), made once. */
  static of(input) {
    if (!fields.has(input)) fields.set(input, new DateField(input));
    return fields.get(input);
  }

  constructor(input) {
    this.input = input;
    this.group = input.closest("[data-date-field]");
    this.calendar = this.group.querySelector("[data-date-calendar]");
    input.addEventListener("keydown", (event) => this.onKey(event));
    input.addEventListener("change", () => this.check());
    this.group.querySelector("[data-date-picker]").addEventListener("click", () => this.openCalendar());
    this.calendar.addEventListener("change", () => {
      if (this.calendar.value) this.set(this.calendar.value);
      this.calendar.classList.add("visually-hidden");
      input.focus();
    });
  }

  /** The typed day as "YYYY-MM-DD", or null when there is none that reads. */
  get iso() {
    return parseDate(this.input.value);
  }

  /** Show the day `isoDate` ("YYYY-MM-DD") as the locale writes it. */
  set(isoDate) {
    this.input.value = dateText(isoDate);
    clearError(this.group, this.input.name);
  }

  /** The typed day as "YYYY-MM-DD"; else null, with a message at the field saying how to write one. */
  check() {
    const iso = this.iso;
    if (iso) this.set(iso);
    else showError(this.group, this.input.name, `Type a date such as ${dateText(today())} or ${today()}.`);
    return iso;
  }

  onKey(event) {
    if (event.altKey && event.key === "ArrowDown") {
      event.preventDefault();
      this.openCalendar();
      return;
    }
    if (event.ctrlKey || event.metaKey || event.altKey || event.isComposing) return;
    const typed = this.input.value.trim();
    const from = typed ? this.iso : today();
    if (event.key === "t" || event.key === "T") {
      this.set(today());
    } else if ((event.key === "+" || event.key === "ArrowUp") && from) {
      this.set(addDays(from, 1));
    } else if ((event.key === "-" || event.key === "ArrowDown") && from) {
      // While a date is being typed "-" is a separator ("2026-12-31"); once it reads, a day back.
      this.set(addDays(from, -1));
    } else {
      return;
    }
    event.preventDefault();
  }

  openCalendar() {
    this.calendar.value = this.iso ?? today();
    try {
      this.calendar.showPicker();
    } catch {
      // No picker to open from a script here (an older engine): show the browser's own field.
      this.calendar.classList.remove("visually-hidden");
      this.calendar.focus();
    }
  }
}
