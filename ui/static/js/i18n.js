// The scripts' words in the page's language: `t("Save")`, `t("Delete {name}?", { name })`,
// `tn("{count} row", "{count} rows", n)`. The server embeds the language's catalog in every
// page (base.html, #script-catalog: server/script_catalog.py); a message it lacks stays English.

function readCatalog() {
  const element = document.getElementById("script-catalog");
  try {
    return JSON.parse(element?.textContent || "null") || {};
  } catch {
    return {};
  }
}

const catalog = readCatalog();
const messages = catalog.messages || {};
const pluralRules = new Intl.PluralRules(catalog.language || "en");

// Fill {name} placeholders with the values' text; an unknown name stays as typed, visibly.
function fill(text, values) {
  return text.replace(/\{(\w+)\}/g, (whole, name) =>
    Object.hasOwn(values, name) ? String(values[name]) : whole,
  );
}

/** The translation of `msgid`, its `{name}` placeholders filled from `values` (as plain text). */
export function t(msgid, values = {}) {
  const translated = messages[msgid];
  return fill(typeof translated === "string" ? translated : msgid, values);
}

// Gettext numbers a language's plural forms in CLDR's order of categories (as Babel writes
// them): "one" is form 0 of German and French, "other" their last.
const CATEGORIES = ["zero", "one", "two", "few", "many", "other"].filter((category) =>
  pluralRules.resolvedOptions().pluralCategories.includes(category),
);

/**
 * The singular or plural translation for `n`, chosen by the language's plural rule; `{count}`
 * and other placeholders filled from `values`.
 */
export function tn(singular, plural, n, values = {}) {
  const forms = messages[singular];
  const category = pluralRules.select(n);
  let text = category === "one" ? singular : plural;
  if (Array.isArray(forms) && forms.length === CATEGORIES.length) text = forms[CATEGORIES.indexOf(category)];
  else if (Array.isArray(forms)) text = forms.at(category === "one" ? 0 : -1);
  return fill(text, { count: n, ...values });
}

const conjunction = new Intl.ListFormat(catalog.language || "en", { type: "conjunction" });

/** The items as one phrase in the page's language: "a, b, and c", "a, b und c", "a, b et c". */
export function listInWords(items) {
  return conjunction.format(items.map(String));
}
