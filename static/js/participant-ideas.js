/**
 * Builds the idea items of the participant page: "my ideas" (sent, pending,
 * failed, hidden, being edited) and the read-only ideas of the table.
 * Each builder returns a fresh <li>; participant.js reconciles the lists.
 */
import { h, formatTime } from "./dom.js";

/**
 * One entry of "my ideas". `view` describes it:
 *   {id, text, state: "visible"|"hidden"|"merged"|"pending"|"failed", message?,
 *    sending, created_at, edited, canChange, otherTable (label or null),
 *    coAuthors ("Bob, Carl": ideas merged into this one, or ""),
 *    editing (draft text or null), confirming, busy, max}
 * A "merged" idea (folded by the facilitator into a similar one) is read-only.
 */
export function buildMyIdea(view, t, lang) {
  const li = h("li", {
    class: `idea idea-mine is-${view.state}${view.state === "pending" ? " pending" : ""}${view.state === "failed" ? " failed" : ""}`,
    dataset: { ideaId: view.id, state: view.state },
  });
  if (view.editing !== null) li.append(buildEditForm(view, t));
  else li.append(h("p", { class: "idea-text", text: view.text }));
  li.append(buildMeta(view, t, lang));
  const actions = buildActions(view, t);
  if (actions) li.append(actions);
  return li;
}

function buildMeta(view, t, lang) {
  const parts = [];
  if (view.state === "pending") {
    parts.push(
      h("span", {
        class: "badge badge-pending",
        text: view.sending ? t("participant.sending") : t("participant.pending_label"),
      }),
    );
  } else if (view.state === "failed") {
    parts.push(h("span", { class: "badge badge-failed", text: t("participant.failed_label") }));
    if (view.message) parts.push(h("span", { class: "idea-error", text: view.message }));
  } else if (view.state === "hidden") {
    parts.push(h("span", { class: "badge badge-hidden", text: t("participant.hidden_label") }));
  } else if (view.state === "merged") {
    parts.push(h("span", { class: "badge badge-merged", text: t("participant.merged_label") }));
  }
  if (view.state === "visible") {
    parts.push(h("span", { class: "badge badge-visible", text: t("tables.visible_label") }));
  }
  if (view.state === "visible" || view.state === "hidden" || view.state === "merged") {
    const time = formatTime(view.created_at, lang);
    if (time) parts.push(h("time", { datetime: view.created_at, text: time }));
    if (view.corrected) parts.push(h("span", { class: "badge badge-corrected", text: t("tables.corrected") }));
    else if (view.edited) parts.push(h("span", { text: t("participant.edited") }));
  }
  if (view.otherTable) parts.push(h("span", { text: view.otherTable }));
  if (view.coAuthors)
    parts.push(
      h("span", { class: "merged-authors", text: t("participant.merged_authors", { names: view.coAuthors }) }),
    );
  return h("p", { class: "idea-meta" }, parts);
}

function buildActions(view, t) {
  if (view.state === "failed") {
    return h(
      "div",
      { class: "idea-actions" },
      h("button", {
        type: "button",
        class: "btn btn-small retry-idea",
        "data-focus": "retry",
        text: t("participant.retry"),
      }),
      h("button", {
        type: "button",
        class: "btn btn-small btn-quiet delete-idea",
        "data-focus": "retry",
        text: t("participant.delete"),
      }),
    );
  }
  if (view.state !== "visible" || !view.canChange || view.editing !== null) return null;
  if (view.confirming) {
    return h(
      "div",
      { class: "idea-actions idea-confirm" },
      h("span", { class: "confirm-text", text: t("participant.confirm_withdraw") }),
      h("button", {
        type: "button",
        class: "btn btn-small btn-danger confirm-withdraw",
        "data-focus": "withdraw",
        disabled: view.busy,
        text: t("participant.withdraw_yes"),
      }),
      h("button", {
        type: "button",
        class: "btn btn-small btn-quiet cancel-withdraw",
        "data-focus": "withdraw",
        disabled: view.busy,
        text: t("participant.cancel"),
      }),
    );
  }
  return h(
    "div",
    { class: "idea-actions" },
    h("button", {
      type: "button",
      class: "btn btn-small btn-quiet edit-idea",
      "data-focus": "edit",
      disabled: view.busy,
      text: t("participant.edit"),
    }),
    h("button", {
      type: "button",
      class: "btn btn-small btn-quiet withdraw-idea",
      "data-focus": "withdraw",
      disabled: view.busy,
      text: t("participant.withdraw"),
    }),
  );
}

function buildEditForm(view, t) {
  const fieldId = `edit-${view.id}`;
  const counterId = `edit-counter-${view.id}`;
  const textarea = h("textarea", {
    id: fieldId,
    class: "edit-text",
    rows: "3",
    maxlength: String(view.max),
    "aria-describedby": counterId,
    "data-focus": "edit",
    disabled: view.busy,
  });
  textarea.value = view.editing;
  return h(
    "form",
    { class: "idea-edit" },
    h("label", { class: "visually-hidden", for: fieldId, text: t("participant.edit_label") }),
    textarea,
    h(
      "div",
      { class: "idea-edit-row" },
      h("span", {
        id: counterId,
        class: "counter edit-counter",
        "aria-live": "polite",
        text: counterText(view.editing, view.max, t),
      }),
      h("button", {
        type: "button",
        class: "btn btn-small btn-quiet cancel-edit",
        "data-focus": "edit",
        disabled: view.busy,
        text: t("participant.cancel"),
      }),
      h("button", {
        type: "submit",
        class: "btn btn-small btn-primary save-edit",
        disabled: view.busy,
        text: t("participant.save"),
      }),
    ),
  );
}

/** One read-only idea of the table: text, the author's first name and its co-authors' (merged ideas). */
export function buildTableIdea(idea, t) {
  const coAuthors = coAuthorsOf(idea);
  return h(
    "li",
    { class: "idea idea-other", dataset: { ideaId: idea.id, state: idea.state } },
    h("p", { class: "idea-text", text: idea.text }),
    h(
      "p",
      { class: "idea-author" },
      idea.author ? idea.author.first_name : "",
      coAuthors
        ? h("span", { class: "merged-authors", text: t("participant.merged_authors", { names: coAuthors }) })
        : null,
    ),
  );
}

/** First names of the authors of the ideas merged into this one: "Bob, Carl", or "". */
export function coAuthorsOf(idea) {
  return ((idea && idea.merged) || [])
    .map((m) => (m.author && m.author.first_name) || "")
    .filter(Boolean)
    .join(", ");
}

export function counterText(text, max, t) {
  return t("participant.counter", { n: text.length, max });
}
