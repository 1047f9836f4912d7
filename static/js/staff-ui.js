/**
 * Small DOM helpers of the staff pages (console and projector boards).
 * User text only ever goes through textContent.
 */
import { h } from "./dom.js";

export function setText(el, text) {
  if (el && el.textContent !== text) el.textContent = text;
}

/** "Anne (Cosmetic Valley)", or just the first name. */
export function authorName(author) {
  if (!author) return "";
  return author.organisation ? `${author.first_name} (${author.organisation})` : author.first_name || "";
}

/** The co-authors of an idea (the ideas merged into it): "Bob (Area), Carl (Org)", or "". */
export function mergedNames(idea) {
  return ((idea && idea.merged) || [])
    .map((m) => authorName(m.author))
    .filter(Boolean)
    .join(", ");
}

/** The table's accent colour (1-6), for CSS. */
export function accent(table) {
  return String((((Number(table.number) || 1) - 1) % 6) + 1);
}

/**
 * Mark a button unusable without disabling it: a disabled button drops the
 * keyboard focus, aria-disabled keeps it (clicks are ignored by the caller).
 */
export function setBlocked(el, blocked) {
  if (!el) return;
  if (blocked) el.setAttribute("aria-disabled", "true");
  else el.removeAttribute("aria-disabled");
}

/**
 * Give a <select> these options [{value, label}] and this value, touching the
 * DOM only when something changed (the option list is rebuilt, which is
 * cheap; the selected value is kept when it still exists).
 */
export function syncOptions(select, options, value, sig = JSON.stringify(options)) {
  if (select._optionsSig !== sig) {
    select._optionsSig = sig;
    select.replaceChildren(...options.map((o) => h("option", { value: o.value, text: o.label, disabled: o.disabled })));
  }
  // A choice made with the arrow keys and not committed yet (console-groups.js) is kept.
  if (value !== undefined && select.value !== value && !select._deferred) select.value = value;
}
