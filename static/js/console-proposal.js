/**
 * "Regrouper" as a proposal (docs/clustering.md, "Regroup as a proposal"):
 * the `regroup` ack carries proposed groups that live on this console only
 * (`ui.proposals`, never sent to the room). The facilitator accepts them all
 * or one at a time (`accept_proposal`), renames a new group before accepting
 * it, or discards part or all of it; nothing reaches the projector or the
 * phones before acceptance.
 *
 * Stable selectors: .proposal[data-table-id] inside the board, .proposal-group
 * [data-key], .proposal-label, .proposal-kind, .proposal-ideas li,
 * .proposal-accept, .proposal-discard, .proposal-rename (form
 * .proposal-rename-form, input .proposal-name), .proposal-accept-all,
 * .proposal-discard-all.
 */
import { h, reconcile } from "./dom.js";
import { setBlocked, setText } from "./staff-ui.js";
import { newId } from "./pending.js";

/** ui.proposals: table id -> {groups: [{key, group_id, label, renamed, idea_ids, editing}]}. */
export function proposalsOf(ui) {
  if (!ui.proposals) ui.proposals = new Map();
  return ui.proposals;
}

/** Keep the `regroup` ack's proposal for this console (new groups get their client-made id now). */
export function keepProposal(ui, tableId, proposal) {
  const groups = (proposal && Array.isArray(proposal.groups) ? proposal.groups : []).map((g) => ({
    key: g.group_id || newId(), // a new group's id, kept for a retry of its acceptance
    group_id: g.group_id || null,
    label: String(g.label || ""),
    renamed: false,
    editing: false,
    idea_ids: Array.isArray(g.idea_ids) ? g.idea_ids.map(String) : [],
  }));
  if (groups.length) proposalsOf(ui).set(tableId, { groups });
  else proposalsOf(ui).delete(tableId);
  return groups;
}

/** The ideas of a proposed group that are still unsorted on the board (others went meanwhile). */
function stillUnsorted(store, group) {
  return group.idea_ids
    .map((id) => store.ideas.get(id))
    .filter((idea) => idea && idea.state === "visible" && !store.groupIdOf(idea));
}

function liveGroups(store, proposal) {
  return proposal.groups
    .filter((g) => !g.group_id || store.groupById(g.group_id))
    .map((g) => ({ ...g, ideas: stillUnsorted(store, g) }))
    .filter((g) => g.ideas.length);
}

/** Draw (or hide) the proposal panel of one board: el is the board's .proposal element. */
export function renderProposal(el, table, { store, t, busy, connected, ui }) {
  const proposal = proposalsOf(ui).get(table.id);
  const groups = proposal ? liveGroups(store, proposal) : [];
  el.hidden = !groups.length;
  if (!groups.length) {
    if (proposal) proposalsOf(ui).delete(table.id);
    el.replaceChildren();
    el._keyed = null;
    return;
  }
  if (!el.firstChild) el.append(...buildPanel(table, t));
  const ideas = groups.reduce((n, g) => n + g.ideas.length, 0);
  setText(
    el.querySelector(".proposal-summary"),
    t("console.proposal_summary", {
      groups: t.plural("console.proposal_groups", groups.length),
      ideas: t.plural("console.proposal_ideas", ideas),
    }),
  );
  const sending = busy.has(`proposal:${table.id}`);
  const frozen = Boolean(table.voting_open);
  for (const button of el.querySelectorAll(".proposal-accept-all, .proposal-accept")) {
    setBlocked(button, sending || !connected || frozen);
  }
  reconcile(el.querySelector(".proposal-groups"), groups, {
    keyOf: (g) => g.key,
    sigOf: (g) => JSON.stringify([g.label, g.group_id, g.editing, g.ideas.map((i) => [i.id, i.text])]),
    build: (g) => buildGroup(g, table, store, t),
  });
}

function buildPanel(table, t) {
  const titleId = `proposal-title-${table.id}`;
  return [
    h(
      "div",
      { class: "proposal-head" },
      h("h3", { class: "proposal-title", id: titleId, text: t("console.proposal_title") }),
      h("p", { class: "proposal-note", text: t("console.proposal_note") }),
      h("p", { class: "proposal-summary" }),
      h(
        "div",
        { class: "proposal-tools" },
        h("button", {
          type: "button",
          class: "btn btn-small btn-primary proposal-accept-all",
          dataset: { focus: "proposal-accept-all" },
          text: t("console.proposal_accept_all"),
        }),
        h("button", {
          type: "button",
          class: "btn btn-small btn-quiet proposal-discard-all",
          text: t("console.proposal_discard_all"),
        }),
      ),
    ),
    h("ul", { class: "proposal-groups", "aria-labelledby": titleId }),
  ];
}

function buildGroup(g, _table, store, t) {
  const existing = g.group_id ? store.groupById(g.group_id) : null;
  const labelId = `proposal-label-${g.key}`;
  const head = h(
    "div",
    { class: "proposal-group-head" },
    h("span", { class: "proposal-kind", text: existing ? t("console.proposal_existing") : t("console.proposal_new") }),
    h("strong", { class: "proposal-label", id: labelId, text: existing ? existing.label : g.label }),
  );
  if (!existing && !g.editing) {
    head.append(
      h("button", {
        type: "button",
        class: "btn btn-tiny btn-quiet proposal-rename",
        dataset: { focus: "proposal-rename" },
        "aria-describedby": labelId,
        text: t("console.rename"),
      }),
    );
  }
  const inputId = `proposal-name-${g.key}`;
  const form =
    !existing && g.editing
      ? h(
          "form",
          { class: "inline-form proposal-rename-form" },
          h("label", { class: "visually-hidden", for: inputId, text: t("console.proposal_name_label") }),
          h("input", {
            class: "input proposal-name",
            id: inputId,
            type: "text",
            maxlength: "80",
            autocomplete: "off",
            value: g.label,
            dataset: { focus: "proposal-name" },
          }),
          h("button", {
            type: "submit",
            class: "btn btn-small btn-primary proposal-rename-save",
            text: t("console.save"),
          }),
          h("button", {
            type: "button",
            class: "btn btn-small btn-quiet proposal-rename-cancel",
            text: t("console.cancel"),
          }),
        )
      : null;
  return h(
    "li",
    { class: "proposal-group", dataset: { key: g.key }, "aria-labelledby": labelId },
    head,
    form,
    h(
      "ul",
      { class: "proposal-ideas" },
      g.ideas.map((idea) => h("li", { text: idea.text })),
    ),
    h(
      "div",
      { class: "proposal-group-tools" },
      h("button", {
        type: "button",
        class: "btn btn-small btn-primary proposal-accept",
        dataset: { focus: "proposal-accept" },
        "aria-describedby": labelId,
        text: t("console.proposal_accept"),
      }),
      h("button", {
        type: "button",
        class: "btn btn-small btn-quiet proposal-discard",
        "aria-describedby": labelId,
        text: t("console.proposal_discard"),
      }),
    ),
  );
}

/** What `accept_proposal` receives for these proposed groups (the ideas still unsorted only). */
export function acceptPayload(store, tableId, groups) {
  return {
    table_id: tableId,
    groups: groups
      .map((g) => {
        const ideaIds = stillUnsorted(store, g).map((idea) => idea.id);
        return g.group_id
          ? { group_id: g.group_id, idea_ids: ideaIds }
          : { id: g.key, label: g.label, renamed: g.renamed, idea_ids: ideaIds };
      })
      .filter((g) => g.idea_ids.length),
  };
}

/**
 * The panel's buttons. showResult(tableId, {text, kind}) reports in the board's status line.
 * root: the #boards element; run(key, name, payload) -> ack | null (busy).
 */
export function bindProposalActions({ root, store, t, ui, run, render, showResult }) {
  const tableOf = (el) => Number(el.closest(".board").dataset.tableId);
  const groupOf = (el) => {
    const item = el.closest(".proposal-group");
    const proposal = proposalsOf(ui).get(tableOf(el));
    return item && proposal ? proposal.groups.find((g) => g.key === item.dataset.key) : null;
  };
  const focusBoard = (tableId) => {
    const board = root.querySelector(`.board[data-table-id="${tableId}"]`);
    const next = board && (board.querySelector(".proposal-accept") || board.querySelector(".regroup"));
    if (next) next.focus();
  };

  function drop(tableId, keys) {
    const proposal = proposalsOf(ui).get(tableId);
    if (!proposal) return;
    proposal.groups = proposal.groups.filter((g) => !keys.has(g.key));
    if (!proposal.groups.length) proposalsOf(ui).delete(tableId);
  }

  async function accept(tableId, groups) {
    const payload = acceptPayload(store, tableId, groups);
    if (!payload.groups.length) {
      drop(tableId, new Set(groups.map((g) => g.key)));
      render();
      return;
    }
    const ack = await run(`proposal:${tableId}`, "accept_proposal", payload);
    if (!ack || !ack.ok) return; // busy, or the refusal is in the alert area
    drop(tableId, new Set(groups.map((g) => g.key)));
    const created = Array.isArray(ack.groups) ? ack.groups.length : 0;
    showResult(tableId, {
      text: t("console.regroup_done", {
        groups: t.plural("console.regroup_groups", created),
        ideas: t.plural("console.regroup_ideas", Number(ack.moved) || 0),
      }),
      kind: "done",
    });
    focusBoard(tableId);
  }

  root.addEventListener("click", (event) => {
    const button = event.target.closest("button");
    if (!button || !root.contains(button) || !button.closest(".proposal")) return;
    if (button.getAttribute("aria-disabled") === "true") return;
    const tableId = tableOf(button);
    const proposal = proposalsOf(ui).get(tableId);
    if (!proposal) return;
    const group = groupOf(button);
    if (button.classList.contains("proposal-accept-all"))
      accept(
        tableId,
        proposal.groups.filter((g) => !g.editing),
      );
    else if (button.classList.contains("proposal-discard-all")) {
      proposalsOf(ui).delete(tableId);
      render();
      focusBoard(tableId);
    } else if (group && button.classList.contains("proposal-accept")) accept(tableId, [group]);
    else if (group && button.classList.contains("proposal-discard")) {
      drop(tableId, new Set([group.key]));
      render();
      focusBoard(tableId);
    } else if (group && button.classList.contains("proposal-rename")) {
      group.editing = true;
      render();
      const input = root.querySelector(`.proposal-group[data-key="${CSS.escape(group.key)}"] .proposal-name`);
      if (input) input.focus();
    } else if (group && button.classList.contains("proposal-rename-cancel")) {
      group.editing = false;
      render();
    }
  });

  root.addEventListener("submit", (event) => {
    const form = event.target.closest(".proposal-rename-form");
    if (!form) return;
    event.preventDefault();
    const group = groupOf(form);
    if (!group) return;
    const label = form.querySelector(".proposal-name").value.split(/\s+/).filter(Boolean).join(" ");
    if (label && label.length <= 80) {
      if (label !== group.label) group.renamed = true;
      group.label = label;
    }
    group.editing = false;
    render();
    const item = root.querySelector(`.proposal-group[data-key="${CSS.escape(group.key)}"] .proposal-accept`);
    if (item) item.focus();
  });
}
