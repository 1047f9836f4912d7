/**
 * The console's idea cards, compact: text, author (the time as its tooltip)
 * and the group's confidence; every action (moderation, "Déplacer vers…",
 * spotlight, correction, the duplicate's choices) is in the card's menu
 * (card-menu.js) behind its "⋯" button. Also what the grouping engine proposes: "Suggérée · 82 %" (placed
 * by the engine, `placement: "auto"`, with its `confidence`), "→ group"
 * buttons for an unsorted idea (its `suggestions`), the probable duplicate
 * of an earlier idea (`duplicate_of`: merge or keep both) and the authors
 * of ideas merged into this one (`merged`). Rendering only: the buttons are
 * handled by console-groups.js and console-automation.js.
 *
 * Selectors: .idea[data-idea-id][data-group-id], .menu-button, .idea-actions (hidden: the menu's sources), .move-idea, .apply-suggestion,
 * .duplicate-notice, .merge-duplicate, .dismiss-duplicate, .merged-count,
 * .merged-authors.
 */
import { h, formatTime } from "./dom.js";
import { mergedNames } from "./staff-ui.js";
import { spotlightButton, spotlightSig } from "./console-spotlight.js";
import { correctButton, correctForm, correctSig } from "./console-correct.js";

const DUPLICATE_TEXT_MAX = 90;

export function truncate(text, max) {
  const flat = String(text || "")
    .replace(/\s+/g, " ")
    .trim();
  return flat.length <= max ? flat : `${flat.slice(0, max - 1).trimEnd()}…`;
}

/** At most two suggested groups of an unsorted idea, best first (ids of known groups only). */
function suggestionsOf(idea, area, list) {
  if (area.group || !idea.suggestions || !idea.suggestions.length) return [];
  return idea.suggestions
    .map((id) => list.groups.find((group) => group.id === id))
    .filter(Boolean)
    .slice(0, 2);
}

/** Everything a card shows: when it changes, the card is rebuilt. */
export function cardSig(idea, area, split, { store, busy, connected, ui }, list) {
  const duplicate = store.duplicateOf(idea);
  return JSON.stringify([
    idea.text,
    idea.state,
    idea.updated_at,
    idea.author,
    idea.pinned_at || null,
    busy.has(`pin:${idea.id}`),
    idea.placement,
    idea.confidence,
    area.key,
    suggestionsOf(idea, area, list).map((group) => [group.id, group.label]),
    duplicate ? [duplicate.id, duplicate.text, duplicate.author] : null,
    (idea.merged || []).map((m) => [m.id, m.author]),
    split ? split.picked.has(idea.id) : null,
    connected,
    busy.has(`idea:${idea.id}`),
    busy.has(`move:${idea.id}`),
    busy.has(`dup:${idea.id}`),
    ui.moves.has(idea.id),
    idea.state === "visible" ? spotlightSig(store, ui, "idea", idea.id, idea.table_id) : null,
    busy.has("spotlight"),
    correctSig(ui, idea),
    busy.has(`correct:${idea.id}`),
    idea.corrected_at || null,
  ]);
}

export function buildCard(idea, area, split, ctx, list) {
  const { t, lang, busy, connected, ui, store } = ctx;
  const author = idea.author || {};
  const name = author.first_name || "";
  const hidden = idea.state === "hidden";
  const auto = idea.placement === "auto" && Boolean(area.group);
  const moving = busy.has(`move:${idea.id}`) || ui.moves.has(idea.id);
  const who = [author.first_name, author.organisation].filter(Boolean).join(" · ");
  const time = formatTime(idea.created_at, lang);
  const edited = idea.updated_at && idea.updated_at !== idea.created_at;
  const action = hidden ? "restore-idea" : "hide-idea";
  const merged = (idea.merged || []).length;
  const duplicate = store.duplicateOf(idea);
  const classes = ["idea", hidden && "is-hidden", auto && "is-auto", moving && "is-moving", duplicate && "is-duplicate"]
    .filter(Boolean)
    .join(" ");
  const suggestions = suggestionsOf(idea, area, list);
  // The card shows what the room wrote; its actions wait in its menu (card-menu.js, the "⋯" button).
  return h(
    "li",
    {
      class: classes,
      dataset: { ideaId: idea.id, groupId: area.key, state: idea.state, placement: idea.placement || "" },
    },
    h("span", { class: "drag-handle", title: t("console.drag_handle"), "aria-hidden": "true", text: "⠿" }),
    h(
      "button",
      {
        type: "button",
        class: "btn btn-tiny btn-quiet menu-button",
        dataset: { focus: "menu" },
        "aria-expanded": "false",
        "aria-controls": "card-menu",
        title: t("menu.open_idea", { name }),
      },
      h("span", { "aria-hidden": "true", text: "⋯" }),
      h("span", { class: "visually-hidden", text: t("menu.open_idea", { name }) }),
    ),
    split
      ? h(
          "label",
          { class: "split-pick-label" },
          h("input", {
            type: "checkbox",
            class: "split-pick",
            checked: split.picked.has(idea.id),
            dataset: { focus: "pick" },
          }),
          h("span", { class: "visually-hidden", text: t("console.pick_idea", { name }) }),
        )
      : null,
    correctSig(ui, idea) ? correctForm(idea, ctx) : h("p", { class: "idea-text", text: idea.text }),
    h(
      "p",
      { class: "idea-meta" },
      merged ? mergedCount(merged + 1, t) : null,
      h("span", { class: "idea-author", title: time || null, text: who }),
      edited ? h("span", { class: "idea-edited", text: t("console.edited") }) : null,
      idea.corrected_at ? h("span", { class: "idea-corrected", text: t("tables.corrected") }) : null,
      hidden ? h("span", { class: "badge badge-hidden", text: t("console.hidden_label") }) : null,
      idea.pinned_at
        ? h("span", { class: "idea-pinned", title: t("console.pinned_title"), text: t("console.pinned") })
        : null,
      auto ? suggestedMarker(idea, t) : null,
      duplicate ? duplicateNotice(idea, duplicate, ctx) : null,
    ),
    merged ? mergedAuthors(idea, t) : null,
    suggestions.length
      ? h(
          "p",
          { class: "idea-suggestions" },
          h("span", { class: "idea-suggestions-label", text: t("console.suggestion") }),
          suggestions.map((group) =>
            h("button", {
              type: "button",
              class: "btn btn-tiny btn-quiet apply-suggestion",
              dataset: { target: group.id, focus: `suggest-${group.id}` },
              "aria-label": t("console.apply_suggestion", { name, label: group.label }),
              text: `→ ${group.label}`,
            }),
          ),
        )
      : null,
    h(
      "div",
      { class: "idea-actions", hidden: true },
      duplicate ? duplicateButtons(idea, duplicate, ctx) : null,
      h("select", {
        class: "input input-inline input-tiny move-idea",
        title: t("console.move_to"),
        "aria-label": t("console.move_label", { name }),
        dataset: { focus: "move" },
      }),
      h(
        "button",
        {
          type: "button",
          class: `btn btn-tiny ${hidden ? "btn-quiet" : "btn-warn"} ${action}`,
          "data-focus": "moderate",
          "aria-disabled": !connected || busy.has(`idea:${idea.id}`) ? "true" : null,
        },
        hidden ? t("console.restore") : t("console.hide"),
        h("span", { class: "visually-hidden", text: ` ${t("console.idea_of", { name })}` }),
      ),
      hidden
        ? null
        : h("button", {
            type: "button",
            class: "btn btn-tiny btn-quiet pin-idea",
            dataset: { focus: "pin", pinned: String(Boolean(idea.pinned_at)) },
            "aria-disabled": !connected || busy.has(`pin:${idea.id}`) ? "true" : null,
            text: idea.pinned_at ? t("console.unpin") : t("console.pin"),
          }),
      hidden ? null : spotlightButton(store, ctx, "idea", idea.id, idea.table_id, truncate(idea.text, 40)),
      hidden ? null : correctButton(idea, ctx, name),
    ),
  );
}

/** "Suggérée · 82 %": placed by the grouping engine, not by the facilitator. */
function suggestedMarker(idea, t) {
  const pct = typeof idea.confidence === "number" ? Math.round(idea.confidence * 100) : null;
  return h("span", {
    class: "idea-suggested",
    title: pct === null ? t("console.suggested_title") : t("console.suggested_title_pct", { pct }),
    text: pct === null ? t("console.suggested") : t("console.suggested_pct", { pct }),
  });
}

/** "×2": this card stands for n contributions (merged duplicates). */
function mergedCount(n, t) {
  const title = t.plural("console.merged_count_title", n);
  return h("span", { class: "badge merged-count", title, "aria-label": title, text: t("console.merged_count", { n }) });
}

/** "+ Bob (Area), Carl (Org)": the authors of the ideas merged into this one (their texts as a tooltip). */
function mergedAuthors(idea, t) {
  const texts = idea.merged.map(
    (m) => `${truncate(m.text, DUPLICATE_TEXT_MAX)} — ${m.author ? m.author.first_name : ""}`,
  );
  return h("p", {
    class: "merged-authors",
    title: texts.join("\n"),
    text: t("console.merged_authors", { names: mergedNames(idea) }),
  });
}

/** "Doublon ?": a badge in the card's meta line (the earlier idea as its tooltip); the choices are in the menu. */
function duplicateNotice(_idea, other, { t }) {
  const text = truncate(other.text, DUPLICATE_TEXT_MAX);
  return h(
    "span",
    {
      class: "duplicate-notice",
      dataset: { duplicateOf: other.id },
      title: t("console.duplicate_title", { name: (other.author && other.author.first_name) || "", text: other.text }),
    },
    h("span", { "aria-hidden": "true", text: t("console.duplicate_badge") }),
    h("span", { class: "visually-hidden duplicate-text", text: t("console.duplicate_of", { text }) }),
  );
}

/** The duplicate's two choices, listed first in the card's menu. */
function duplicateButtons(idea, other, { t, busy, connected }) {
  const name = (idea.author && idea.author.first_name) || "";
  const text = truncate(other.text, DUPLICATE_TEXT_MAX);
  const blocked = !connected || busy.has(`dup:${idea.id}`) ? "true" : null;
  return [
    h("button", {
      type: "button",
      class: "btn btn-tiny merge-duplicate",
      dataset: {
        into: other.id,
        focus: "merge-duplicate",
        heading: t("console.duplicate_of", { text: truncate(other.text, 60) }),
      },
      "aria-label": t("console.merge_duplicate_named", { name, text }),
      "aria-disabled": blocked,
      text: t("console.merge_duplicate"),
    }),
    h("button", {
      type: "button",
      class: "btn btn-tiny btn-quiet dismiss-duplicate",
      dataset: { focus: "dismiss-duplicate" },
      "aria-label": t("console.dismiss_duplicate_named", { name }),
      "aria-disabled": blocked,
      text: t("console.dismiss_duplicate"),
    }),
  ];
}
