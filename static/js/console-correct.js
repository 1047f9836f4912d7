/**
 * "Corriger": a facilitator fixes a typo in an idea (correct_idea). The card
 * (console-cards.js) shows a small form in place of the text while
 * `ui.correcting` (idea id -> draft) holds the idea; the author's phone then
 * shows the new text with "corrigé par l'animateur".
 * Selectors: .correct-idea, .correct-form, .correct-text, .correct-cancel.
 */
import { h } from "./dom.js";

/** What the card shows of a correction (part of its signature): [editing?]. */
export function correctSig(ui, idea) {
  return Boolean(ui && ui.correcting && ui.correcting.has(idea.id));
}

export function correctButton(idea, { t, busy, connected }, name) {
  return h(
    "button",
    {
      type: "button",
      class: "btn btn-tiny btn-quiet correct-idea",
      "data-focus": "correct",
      "aria-disabled": !connected || busy.has(`correct:${idea.id}`) ? "true" : null,
    },
    t("tables.correct"),
    h("span", { class: "visually-hidden", text: ` ${t("console.idea_of", { name })}` }),
  );
}

export function correctForm(idea, { t, ui, store }) {
  const fieldId = `correct-${idea.id}`;
  const area = h("textarea", {
    id: fieldId,
    class: "input correct-text",
    rows: "3",
    maxlength: String(store.limits.idea_max_length || 280),
    "data-focus": "correct-text",
  });
  area.value = ui.correcting.get(idea.id) ?? idea.text;
  return h(
    "form",
    { class: "correct-form" },
    h("label", { class: "visually-hidden", for: fieldId, text: t("tables.correct_label") }),
    area,
    h(
      "div",
      { class: "correct-row" },
      h("button", { type: "button", class: "btn btn-tiny btn-quiet correct-cancel", text: t("tables.cancel") }),
      h("button", { type: "submit", class: "btn btn-tiny btn-primary correct-save", text: t("tables.save") }),
    ),
  );
}

/** Clicks and submits on the boards: start, cancel and send a correction. */
export function bindCorrectActions({ root, store, ui, run, render }) {
  ui.correcting = ui.correcting || new Map();
  const ideaOf = (el) => {
    const card = el.closest(".idea[data-idea-id]");
    return card ? card.dataset.ideaId : null;
  };
  root.addEventListener("click", (event) => {
    const button = event.target.closest(".correct-idea, .correct-cancel");
    const id = button && ideaOf(button);
    if (!id) return;
    if (button.classList.contains("correct-idea")) {
      if (button.getAttribute("aria-disabled") === "true") return;
      const idea = store.ideas.get(id);
      if (!idea) return;
      ui.correcting.set(id, idea.text);
      render();
      const field = root.querySelector(`.idea[data-idea-id="${CSS.escape(id)}"] .correct-text`);
      if (field) field.focus();
    } else {
      ui.correcting.delete(id);
      render();
    }
  });
  root.addEventListener("input", (event) => {
    const field = event.target.closest(".correct-text");
    const id = field && ideaOf(field);
    if (id && ui.correcting.has(id)) ui.correcting.set(id, field.value);
  });
  root.addEventListener("keydown", (event) => {
    const field = event.target.closest(".correct-text");
    const id = field && ideaOf(field);
    if (!id) return;
    if (event.key === "Escape") {
      ui.correcting.delete(id);
      render();
    } else if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      field.form.requestSubmit();
    }
  });
  root.addEventListener("submit", async (event) => {
    const form = event.target.closest(".correct-form");
    const id = form && ideaOf(form);
    if (!id) return;
    event.preventDefault();
    const text = ui.correcting.get(id) ?? "";
    const ack = await run(`correct:${id}`, "correct_idea", { id, text });
    if (ack && ack.ok) {
      ui.correcting.delete(id);
      render();
    }
  });
}

/** Drop corrections of ideas that are gone (withdrawn, merged, hidden meanwhile). */
export function forgetGoneCorrections(ui, store) {
  if (!ui.correcting) return;
  for (const id of ui.correcting.keys()) {
    const idea = store.ideas.get(id);
    if (!idea || idea.state !== "visible") ui.correcting.delete(id);
  }
}
