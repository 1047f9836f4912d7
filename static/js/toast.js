/**
 * A short notice at the bottom of the console with one action, e.g.
 * "Idée masquée · Annuler" for 10 s (undo.js). One at a time: a new one
 * replaces the last. The text is a status message (read by screen readers);
 * the action is a real button, reachable with the keyboard.
 *
 * Selectors: #toast, .toast-text, .toast-action.
 */
import { h } from "./dom.js";

export function createToast(parent) {
  const text = h("p", { class: "toast-text", role: "status", "aria-live": "polite" });
  const action = h("button", { type: "button", class: "btn btn-small toast-action" });
  const el = h("div", { id: "toast", class: "toast", hidden: true }, text, action);
  parent.append(el);
  let timer = null;
  let onAction = null;

  function hide() {
    clearTimeout(timer);
    timer = null;
    onAction = null;
    if (el.contains(document.activeElement)) document.activeElement.blur();
    el.hidden = true;
  }

  /** show({text, action?: label, onAction?: fn, ms}) */
  function show({ text: message, action: label = null, onAction: fn = null, ms = 10000 }) {
    clearTimeout(timer);
    text.textContent = message;
    action.textContent = label || "";
    action.hidden = !label;
    onAction = fn;
    el.hidden = false;
    el.dataset.kind = label ? "action" : "info";
    timer = setTimeout(hide, ms);
  }

  action.addEventListener("click", () => {
    const fn = onAction;
    hide();
    if (fn) fn();
  });

  return { show, hide, el };
}
