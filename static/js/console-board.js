/**
 * The console's boards: one per table, its header (posting, QR code, counts)
 * and its groups: "À classer" first, then the table's groups by position,
 * each with its idea cards. Rendering only: what the buttons do is in
 * console-groups.js. Every element is keyed and updated in place, so a
 * change re-renders only what it touches (3 tables x 8 groups x 20 ideas).
 *
 * Stable selectors: .board[data-table-id], .group[data-group-id] (the
 * unsorted bucket is .group.unsorted[data-group-id=""]), .group-label,
 * .idea[data-idea-id][data-group-id], .move-idea, .new-group, .menu-button (the
 * group's menu, card-menu.js: its sources are the hidden .group-tools), .rename-group,
 * .merge-group, .split-group, .remove-group, .group-source (the "auto" marker
 * of a group made by "Regrouper"), .regroup and .regroup-status (the board
 * is .board[data-regrouping="true"] while the engine runs), .proposal (the
 * proposal "Regrouper" made, drawn by console-proposal.js). The idea cards
 * are drawn by console-cards.js.
 */
import { h, reconcile, show } from "./dom.js";
import { setText, accent, setBlocked, syncOptions } from "./staff-ui.js";
import { buildCard, cardSig } from "./console-cards.js";
import { syncGroupSpotlight } from "./console-spotlight.js";
import { renderProposal } from "./console-proposal.js";

/**
 * ctx: {store, t, lang, connected, busy (Set of keys), ui (console-groups.js state)}
 */
export function renderBoards(container, ctx) {
  const { store, ui } = ctx;
  forgetGone(ui, store);
  reconcile(container, store.tables, {
    keyOf: (table) => String(table.id),
    sigOf: () => "board", // updated in place below
    build: (table) => buildBoard(table, ctx),
  });
  for (const table of store.tables) updateBoard(container._keyed.get(String(table.id)), table, ctx);
}

/** Drop the UI modes of groups that no longer exist (merged or removed meanwhile). */
function forgetGone(ui, store) {
  for (const set of [ui.renaming, ui.removing]) for (const id of set) if (!store.groups.has(id)) set.delete(id);
  for (const id of ui.splitting.keys()) if (!store.groups.has(id)) ui.splitting.delete(id);
}

// -- board --------------------------------------------------------------------

function buildBoard(table, { t }) {
  const themeId = `board-theme-${table.id}`;
  const tableId = String(table.id);
  const inputId = `new-group-input-${table.id}`;
  return h(
    "section",
    { class: "board", dataset: { tableId, accent: accent(table) }, "aria-labelledby": themeId },
    h(
      "header",
      { class: "board-head" },
      h(
        "div",
        { class: "board-title" },
        h("p", { class: "board-number", id: `board-number-${table.id}` }),
        h("h2", { class: "board-theme", id: themeId }),
        h("p", { class: "board-question" }),
        h("p", { class: "board-facilitator" }),
        h(
          "p",
          { class: "board-stats" },
          h("span", { class: "board-participants" }),
          h("span", { class: "board-idea-count" }),
          h("span", { class: "board-hidden-count" }),
        ),
      ),
      h(
        "div",
        { class: "board-controls" },
        h("span", { class: "posting-state badge" }),
        h("button", { type: "button", class: "btn posting-toggle", dataset: { tableId } }),
      ),
      h(
        "div",
        { class: "board-join" },
        h("img", { class: "board-qr", alt: t("console.qr_alt", { n: table.number }), width: "96", height: "96" }),
        h(
          "p",
          { class: "board-join-text" },
          h("span", { class: "board-join-label", text: t("console.join_link") }),
          h("a", { class: "board-join-url", target: "_blank", rel: "noopener" }),
        ),
      ),
    ),
    h(
      "div",
      { class: "board-tools" },
      h("button", {
        type: "button",
        class: "btn btn-small new-group",
        dataset: { tableId, focus: "new-group" },
        "aria-expanded": "false",
        "aria-controls": `new-group-form-${table.id}`,
        text: `+ ${t("console.new_group")}`,
      }),
      h(
        "form",
        { class: "new-group-form inline-form", id: `new-group-form-${table.id}`, dataset: { tableId }, hidden: true },
        h("label", { class: "visually-hidden", for: inputId, text: t("console.new_group_label") }),
        h("input", {
          class: "input new-group-input",
          id: inputId,
          type: "text",
          maxlength: "80",
          autocomplete: "off",
          placeholder: t("console.new_group_label"),
        }),
        h("button", { type: "submit", class: "btn btn-small btn-primary new-group-save", text: t("console.create") }),
        h("button", { type: "button", class: "btn btn-small btn-quiet new-group-cancel", text: t("console.cancel") }),
      ),
      h(
        "button",
        {
          type: "button",
          class: "btn btn-small regroup",
          dataset: { tableId, focus: "regroup" },
          title: t("console.regroup_title"),
          "aria-describedby": `regroup-status-${table.id}`,
        },
        h("span", { class: "regroup-spinner", "aria-hidden": "true" }),
        h("span", { class: "regroup-text", text: t("console.regroup") }),
      ),
      h("p", { class: "regroup-status", id: `regroup-status-${table.id}`, role: "status", "aria-live": "polite" }),
      h("p", { class: "board-hint", text: t("console.board_hint") }),
    ),
    h("section", {
      class: "proposal",
      dataset: { tableId },
      "aria-labelledby": `proposal-title-${table.id}`,
      hidden: true,
    }),
    h("p", { class: "board-empty", text: t("console.no_ideas") }),
    h("div", { class: "groups" }),
  );
}

function updateBoard(board, table, ctx) {
  const { store, t, busy, ui, connected } = ctx;
  const ideas = store.ideasOf(table.id);
  const visible = ideas.filter((idea) => idea.state === "visible").length;
  const hidden = ideas.length - visible;
  const open = Boolean(table.posting_open);
  const q = (selector) => board.querySelector(selector);

  setText(q(".board-number"), t("common.table_number", { n: table.number }));
  setText(q(".board-theme"), table.theme);
  setText(q(".board-question"), table.question || "");
  if (q(".board-question").title !== (table.question || "")) q(".board-question").title = table.question || "";
  const f = table.facilitator && table.facilitator.name ? table.facilitator : null;
  setText(
    q(".board-facilitator"),
    f ? t(f.organisation ? "console.facilitated_by_org" : "console.facilitated_by", f) : "",
  );
  show(q(".board-facilitator"), Boolean(f));
  setText(q(".board-participants"), t.plural("console.participants", store.participantCount(table.id)));
  setText(q(".board-idea-count"), t.plural("console.ideas", visible));
  setText(q(".board-hidden-count"), hidden ? t.plural("console.hidden_count", hidden) : "");
  show(q(".board-hidden-count"), hidden > 0);

  const state = q(".posting-state");
  setText(state, open ? t("console.posting_open") : t("console.posting_closed"));
  state.dataset.open = String(open);
  const toggle = q(".posting-toggle");
  setText(toggle, open ? t("console.close_posting") : t("console.open_posting"));
  toggle.setAttribute("aria-pressed", String(open));
  toggle.dataset.open = String(open);
  setBlocked(toggle, !connected || busy.has(`posting:${table.id}`));
  board.dataset.posting = open ? "open" : "closed";

  const qr = q(".board-qr");
  if (table.qr_url && qr.getAttribute("src") !== table.qr_url) qr.setAttribute("src", table.qr_url);
  const link = q(".board-join-url");
  if (table.join_url && link.getAttribute("href") !== table.join_url) {
    link.setAttribute("href", table.join_url);
    link.textContent = table.join_url.replace(/^https?:\/\//, "");
  }

  const creating = ui.creating.has(table.id);
  const newGroup = q(".new-group");
  newGroup.setAttribute("aria-expanded", String(creating));
  show(newGroup, !creating);
  show(q(".new-group-form"), creating);
  setBlocked(q(".new-group-save"), !connected || busy.has(`create:${table.id}`));
  show(q(".board-empty"), ideas.length === 0);
  // While the table votes the server refuses grouping changes (board_frozen): say so, and no drag.
  const frozen = Boolean(table.voting_open);
  board.dataset.frozen = String(frozen);
  const hint = q(".board-hint");
  setText(hint, frozen ? t("console.board_frozen") : t("console.board_hint"));
  hint.classList.toggle("is-frozen", frozen);
  updateRegroup(board, table, ctx, frozen);
  renderProposal(board.querySelector(".proposal"), table, ctx); // "Regrouper"'s proposal, this console only

  const sorted = store.boardOf(table.id, ui.moves);
  const groups = sorted.groups.map((entry) => entry.group);
  const areas = [{ key: "", group: null, ideas: sorted.unsorted }].concat(
    sorted.groups.map((entry) => ({ key: entry.group.id, group: entry.group, ideas: entry.ideas })),
  );
  const moveOptions = [{ value: "", label: t("console.unsorted") }].concat(
    groups.map((group) => ({ value: group.id, label: group.label })),
  );
  const list = { options: moveOptions, sig: JSON.stringify(moveOptions), groups };
  const container = q(".groups");
  reconcile(container, areas, {
    keyOf: (area) => area.key,
    sigOf: () => "group", // updated in place below
    build: (area) => buildGroup(area, table, ctx),
  });
  for (const area of areas) updateGroup(container._keyed.get(area.key), area, list, ctx);
}

/** "Regrouper": its progress state while the engine runs, then the result for a while. */
function updateRegroup(board, table, { t, busy, ui, connected }, frozen) {
  const running = busy.has(`regroup:${table.id}`);
  board.dataset.regrouping = String(running);
  const button = board.querySelector(".regroup");
  setText(button.querySelector(".regroup-text"), running ? t("console.regrouping") : t("console.regroup"));
  button.setAttribute("aria-busy", String(running));
  setBlocked(button, running || !connected || frozen);
  const status = board.querySelector(".regroup-status");
  const result = ui.regroupResults.get(table.id);
  // The button already says "Regroupement en cours…": the status only tells screen readers.
  setText(status, running ? t("console.regrouping") : result ? result.text : "");
  status.classList.toggle("visually-hidden", running);
  status.dataset.kind = result && !running ? result.kind : "";
}

// -- group --------------------------------------------------------------------

function buildGroup(area, table, { t }) {
  const unsorted = !area.group;
  const key = area.key;
  const labelId = unsorted ? `group-label-unsorted-${table.id}` : `group-label-${key}`;
  const dataset = { groupId: key };
  const tools = unsorted
    ? null
    : [
        h(
          "div",
          { class: "group-tools", hidden: true }, // the menu's sources (card-menu.js)
          h("button", {
            type: "button",
            class: "btn btn-tiny btn-quiet rename-group",
            dataset: { focus: "rename" },
            text: t("console.rename"),
          }),
          h("button", {
            type: "button",
            class: "btn btn-tiny btn-quiet split-group",
            dataset: { focus: "split" },
            "aria-pressed": "false",
            text: t("console.split"),
          }),
          h("button", {
            type: "button",
            class: "btn btn-tiny btn-quiet btn-warn remove-group",
            dataset: { focus: "remove" },
            text: t("console.remove"),
          }),
          h("select", { class: "input input-inline input-tiny merge-group", dataset: { focus: "merge" } }),
        ),
        h(
          "form",
          { class: "rename-form inline-form", hidden: true },
          h("label", { class: "visually-hidden", for: `rename-input-${key}`, text: t("console.rename_label") }),
          h("input", {
            class: "input rename-input",
            id: `rename-input-${key}`,
            type: "text",
            maxlength: "80",
            autocomplete: "off",
          }),
          h("button", { type: "submit", class: "btn btn-tiny btn-primary rename-save", text: t("console.save") }),
          h("button", { type: "button", class: "btn btn-tiny btn-quiet rename-cancel", text: t("console.cancel") }),
        ),
        h(
          "div",
          { class: "remove-confirm inline-confirm", role: "group", hidden: true },
          h("p", { class: "remove-question" }),
          h("button", {
            type: "button",
            class: "btn btn-tiny btn-danger confirm-remove",
            text: t("console.remove_yes"),
          }),
          h("button", { type: "button", class: "btn btn-tiny btn-quiet cancel-remove", text: t("console.cancel") }),
        ),
        h(
          "form",
          { class: "split-form inline-form", hidden: true },
          h("p", { class: "split-hint", text: t("console.split_hint") }),
          h("p", { class: "split-count", role: "status" }),
          h("label", { class: "visually-hidden", for: `split-label-${key}`, text: t("console.split_label") }),
          h("input", {
            class: "input split-label",
            id: `split-label-${key}`,
            type: "text",
            maxlength: "80",
            autocomplete: "off",
          }),
          h("button", {
            type: "submit",
            class: "btn btn-tiny btn-primary split-confirm",
            text: t("console.split_confirm"),
          }),
          h("button", { type: "button", class: "btn btn-tiny btn-quiet split-cancel", text: t("console.cancel") }),
        ),
      ];
  return h(
    "section",
    // The table number in the name keeps each region name unique on the lead console (axe landmark-unique).
    { class: `group${unsorted ? " unsorted" : ""}`, dataset, "aria-labelledby": `${labelId} board-number-${table.id}` },
    h(
      "div",
      { class: "group-head" },
      h("h3", { class: "group-label", id: labelId }),
      unsorted
        ? null
        : h("span", {
            class: "group-source badge",
            title: t("console.label_auto_title"),
            text: t("console.label_auto"),
            hidden: true,
          }),
      h("span", { class: "group-count badge" }),
      unsorted
        ? null
        : h(
            "button",
            {
              type: "button",
              class: "btn btn-tiny btn-quiet menu-button",
              dataset: { focus: "menu" },
              "aria-expanded": "false",
              "aria-controls": "card-menu",
            },
            h("span", { "aria-hidden": "true", text: "⋯" }),
            h("span", { class: "visually-hidden menu-button-label" }),
          ),
    ),
    tools,
    h("ol", { class: "group-ideas" }),
    h("p", { class: "group-empty", text: t(unsorted ? "console.unsorted_empty" : "console.group_empty") }),
  );
}

function updateGroup(el, area, list, ctx) {
  const { t, busy, ui, connected } = ctx;
  const group = area.group;
  const label = group ? group.label : t("console.unsorted");
  const visible = area.ideas.filter((idea) => idea.state === "visible").length;
  const q = (selector) => el.querySelector(selector);
  setText(q(".group-label"), label);
  setText(q(".group-count"), t.plural("console.ideas", visible));
  show(q(".group-empty"), area.ideas.length === 0);
  const split = group ? ui.splitting.get(group.id) : null;
  el.dataset.splitting = split ? "true" : "false";

  if (group) {
    syncGroupSpotlight(q(".group-head"), ctx.store, ctx, group);
    el.dataset.labelSource = group.label_source || "";
    show(q(".group-source"), group.label_source === "auto");
    const blocked = !connected || busy.has(`group:${group.id}`);
    for (const button of el.querySelectorAll(".group-tools .btn")) setBlocked(button, blocked);
    q(".rename-group").setAttribute("aria-label", t("console.rename_named", { label }));
    setText(q(".menu-button-label"), t("menu.open_group", { label }));
    q(".menu-button").title = t("menu.open_group", { label });
    q(".remove-group").setAttribute("aria-label", t("console.remove_named", { label }));
    const splitButton = q(".split-group");
    splitButton.setAttribute("aria-label", t("console.split_named", { label }));
    splitButton.setAttribute("aria-pressed", String(Boolean(split)));

    const merge = q(".merge-group");
    const others = list.groups.filter((other) => other.id !== group.id);
    const options = [{ value: "", label: t("console.merge") }].concat(
      others.map((o) => ({ value: o.id, label: o.label })),
    );
    syncOptions(merge, options, "");
    merge.setAttribute("aria-label", t("console.merge_named", { label }));
    merge.disabled = others.length === 0;

    const renaming = ui.renaming.has(group.id);
    show(q(".rename-form"), renaming);
    show(q(".group-label"), !renaming);
    setBlocked(q(".rename-save"), blocked);

    const removing = ui.removing.has(group.id);
    show(q(".remove-confirm"), removing);
    setText(q(".remove-question"), t("console.remove_question", { label }));
    setBlocked(q(".confirm-remove"), blocked);

    show(q(".split-form"), Boolean(split));
    if (split) {
      const picked = area.ideas.filter((idea) => split.picked.has(idea.id)).length;
      setText(q(".split-count"), t.plural("console.split_selected", picked));
      const input = q(".split-label");
      const placeholder = t("console.split_default", { label });
      if (input.placeholder !== placeholder) input.placeholder = placeholder;
      setBlocked(q(".split-confirm"), blocked || picked === 0);
    }
  }

  reconcile(q(".group-ideas"), area.ideas, {
    keyOf: (idea) => idea.id,
    sigOf: (idea) => cardSig(idea, area, split, ctx, list),
    build: (idea) => buildCard(idea, area, split, ctx, list),
  });
  for (const card of q(".group-ideas").children) {
    syncOptions(card.querySelector(".move-idea"), list.options, area.key, list.sig);
  }
}
