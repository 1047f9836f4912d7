/**
 * An inline "are you sure?" bar for actions that change every screen at once
 * (the console's agenda: jumping over steps, ending the agenda).
 *
 * Not window.confirm(): that blocks the page (and the live updates behind it)
 * and cannot be styled or translated beyond its text. The bar takes the focus
 * on its "yes" button; "Annuler" or Escape closes it and gives the focus back
 * to what opened it. Only one question at a time: asking again replaces it.
 */
import { h } from "./dom.js";
import { setText } from "./staff-ui.js";

export function createConfirmBar(t, className = "") {
  const question = h("p", { class: "confirm-question" });
  const yes = h("button", { type: "button", class: "btn btn-primary", dataset: { confirm: "yes" } });
  const no = h("button", {
    type: "button",
    class: "btn btn-secondary",
    dataset: { confirm: "no" },
    text: t("common.cancel"),
  });
  const el = h(
    "div",
    { class: `confirm-bar ${className}`.trim(), role: "alertdialog", "aria-modal": "false", hidden: true },
    question,
    h("div", { class: "confirm-buttons" }, yes, no),
  );
  let pending = null; // {onYes, opener, token}

  function close(restoreFocus) {
    const opener = pending && pending.opener;
    pending = null;
    el.hidden = true;
    if (restoreFocus && opener && opener.isConnected) opener.focus();
  }
  yes.addEventListener("click", () => {
    const action = pending && pending.onYes;
    close(false);
    if (action) action();
  });
  no.addEventListener("click", () => close(true));
  el.addEventListener("keydown", (event) => {
    if (event.key === "Escape") {
      event.preventDefault();
      close(true);
    }
  });

  return {
    el,
    /** Ask; `token` identifies what the question is about (see `stale`). */
    ask({ text, yesLabel, onYes, opener, token }) {
      pending = { onYes, opener: opener || document.activeElement, token };
      setText(question, text);
      setText(yes, yesLabel);
      el.setAttribute("aria-label", text);
      el.hidden = false;
      yes.focus();
    },
    /** Close the question if it was asked about something else than `token` (the world moved on). */
    stale(token) {
      if (pending && pending.token !== token) close(false);
    },
    close,
  };
}
