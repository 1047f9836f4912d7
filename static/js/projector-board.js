/**
 * The projector's boards: a table's groups as labelled areas (label + count)
 * with their idea cards, newest first. "À classer" comes first, as on the
 * console: new ideas land there, so the room sees them arrive; it is left
 * out when empty. A table with no group shows its ideas as one list.
 * Sized to fit the screen: first the type gets smaller (one size shared by
 * the boards side by side), then a board tightens (empty groups and long
 * labels fold away), then each group shows only its newest cards with
 * "+ n autres idées".
 *
 * Selectors: .board[data-table-id], .group[data-group-id] (""
 * for "À classer"), .group-label, .idea[data-idea-id][data-group-id],
 * .merged-authors (the co-authors of merged duplicates).
 */
import { h, reconcile, show } from "./dom.js";
import { setText, accent, mergedNames } from "./staff-ui.js";

export function buildBoard(table) {
  return h(
    "section",
    { class: "board", dataset: { tableId: String(table.id), accent: accent(table) }, "aria-labelledby": `board-theme-${table.id}` },
    h(
      "header",
      { class: "board-head" },
      h("div", { class: "board-head-top" }, h("p", { class: "board-number" }), h("p", { class: "board-count" })),
      h("h2", { class: "board-theme", id: `board-theme-${table.id}` }),
      h("p", { class: "board-question" }),
      h("p", { class: "board-facilitator" }),
    ),
    h("div", { class: "board-groups", "aria-live": "off" }),
    h("p", { class: "board-empty" }),
  );
}

export function updateBoard(board, table, { store, t }) {
  const ideas = store.ideasOf(table.id);
  setText(board.querySelector(".board-number"), t("common.table_number", { n: table.number }));
  setText(board.querySelector(".board-theme"), table.theme);
  setText(board.querySelector(".board-question"), table.question || "");
  const facilitator = table.facilitator && table.facilitator.name ? table.facilitator : null;
  const who = facilitator
    ? t(facilitator.organisation ? "projector.facilitated_by_org" : "projector.facilitated_by", facilitator)
    : "";
  setText(board.querySelector(".board-facilitator"), who);
  show(board.querySelector(".board-facilitator"), Boolean(who));
  setText(board.querySelector(".board-count"), t.plural("projector.ideas", ideas.length));
  board.dataset.posting = table.posting_open ? "open" : "closed";
  setText(board.querySelector(".board-empty"), t("projector.no_ideas"));
  show(board.querySelector(".board-empty"), ideas.length === 0);

  const sorted = store.boardOf(table.id);
  const grouped = sorted.groups.length > 0;
  board.dataset.grouped = String(grouped);
  const areas = sorted.unsorted.length || !grouped ? [{ key: "", label: t("projector.unsorted"), ideas: sorted.unsorted }] : [];
  for (const entry of sorted.groups) areas.push({ key: entry.group.id, label: entry.group.label, ideas: entry.ideas });

  const animate = Boolean(board._rendered); // not on the first render: only ideas that arrive or move
  board._rendered = true;
  const container = board.querySelector(".board-groups");
  reconcile(container, areas, {
    keyOf: (area) => area.key,
    sigOf: () => "group", // updated in place below
    build: buildGroup,
  });
  for (const area of areas) {
    const el = container._keyed.get(area.key);
    setText(el.querySelector(".group-label"), area.label);
    setText(el.querySelector(".group-count"), String(area.ideas.length));
    el.dataset.empty = String(area.ideas.length === 0);
    el.dataset.labelled = String(grouped);
    reconcile(el.querySelector(".group-ideas"), area.ideas, {
      keyOf: (idea) => idea.id,
      sigOf: (idea) => `${idea.text}\u0000${authorLine(idea)}\u0000${mergedNames(idea)}\u0000${area.key}`,
      build: (idea) => buildCard(idea, area.key, t),
      created: (card) => {
        if (!animate) return;
        card.classList.add("is-new");
        card.addEventListener("animationend", () => card.classList.remove("is-new"), { once: true });
      },
    });
  }
}

function buildGroup(area) {
  const unsorted = area.key === "";
  return h(
    "section",
    { class: `group${unsorted ? " unsorted" : ""}`, dataset: { groupId: area.key } },
    h("h3", { class: "group-head" }, h("span", { class: "group-label" }), h("span", { class: "group-count" })),
    h("ol", { class: "group-ideas" }),
    h("p", { class: "group-more", hidden: true }),
  );
}

function buildCard(idea, groupKey, t) {
  const author = idea.author || {};
  const merged = mergedNames(idea);
  return h(
    "li",
    { class: "idea", dataset: { ideaId: idea.id, groupId: groupKey, state: idea.state } },
    h("p", { class: "idea-text", text: idea.text }),
    h(
      "p",
      { class: "idea-author" },
      h("span", { class: "idea-name", text: author.first_name || "" }),
      author.organisation ? h("span", { class: "idea-org", text: author.organisation }) : null,
    ),
    merged ? h("p", { class: "merged-authors", text: t("projector.merged_authors", { names: merged }) }) : null,
  );
}

function authorLine(idea) {
  const author = idea.author || {};
  return `${author.first_name || ""}\u0000${author.organisation || ""}`;
}

// -- fitting the screen -----------------------------------------------------------

const DENSITIES = ["low", "medium", "high", "dense"];
const CAPS = [Infinity, 12, 8, 5, 3, 2, 1]; // newest cards shown per group

function overflows(board) {
  const box = board.querySelector(".board-groups");
  return box.scrollHeight > box.clientHeight + 1 || box.scrollWidth > box.clientWidth + 1;
}

/** Show only the newest `cap` cards of a group, and "+ n autres idées" for the rest. */
function setGroupCap(group, cap, t) {
  const cards = group.querySelector(".group-ideas").children;
  for (let i = 0; i < cards.length; i += 1) cards[i].hidden = i >= cap;
  // Heading only: its count says it all.
  const rest = cap === 0 ? 0 : Math.max(0, cards.length - cap);
  const more = group.querySelector(".group-more");
  setText(more, rest ? t.plural("projector.more", rest) : "");
  show(more, rest > 0);
  group.dataset.folded = String(cap === 0 && cards.length > 0);
}

function groupsOf(board) {
  return [...board.querySelectorAll(".board-groups > .group")];
}

/** The largest type (index in DENSITIES) at which the board fits, starting from its current one. */
function fitDensity(board) {
  let level = Math.max(0, DENSITIES.indexOf(board.dataset.density));
  board.dataset.density = DENSITIES[level];
  if (overflows(board)) {
    while (level < DENSITIES.length - 1) {
      level += 1;
      board.dataset.density = DENSITIES[level];
      if (!overflows(board)) break;
    }
  } else {
    while (level > 0) {
      board.dataset.density = DENSITIES[level - 1];
      if (overflows(board)) {
        board.dataset.density = DENSITIES[level];
        break;
      }
      level -= 1;
    }
  }
  return level;
}

/**
 * Fit the visible boards: side by side they share one type size (the
 * smallest any of them needs); then a board that still overflows tightens
 * (data-tight: empty groups hidden, labels on one line), then drops its
 * oldest cards per group until it fits.
 */
export function fitBoards(boards, t) {
  for (const board of boards) {
    board.dataset.tight = "false";
    for (const group of groupsOf(board)) setGroupCap(group, Infinity, t);
  }
  const level = Math.max(0, ...boards.map(fitDensity));
  for (const board of boards) {
    board.dataset.density = DENSITIES[level];
    if (overflows(board)) {
      board.dataset.tight = "true";
      fitCaps(board, t);
    }
    board.dataset.overflow = String(overflows(board));
  }
}

/**
 * The same number of newest cards in every group, as many as fit; when not
 * even one each fits, every group keeps its heading and the groups get one
 * card each in order ("À classer" first) while there is room.
 */
function fitCaps(board, t) {
  const groups = groupsOf(board);
  for (const cap of CAPS.slice(1)) {
    if (!overflows(board)) return;
    for (const group of groups) setGroupCap(group, cap, t);
  }
  if (!overflows(board)) return;
  for (const group of groups) setGroupCap(group, 0, t);
  for (const group of groups) {
    if (!group.querySelector(".group-ideas").children.length) continue;
    setGroupCap(group, 1, t);
    if (overflows(board)) setGroupCap(group, 0, t);
  }
}
