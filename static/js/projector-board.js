/**
 * The projector's boards: a table's groups as labelled areas (label + count)
 * with their idea cards, newest first. "À classer" comes first, as on the
 * console: new ideas land there, so the room sees them arrive; it is left
 * out when empty. A table with no group shows its ideas as one list.
 * Type sizes are fixed for reading at 10 m (idea text 30 px, group labels
 * 34 px at 1920x1080); a board that does not fit is cut into pages shown in
 * turn with "2 / 3" in its header (paginateBoards), so every idea reaches
 * the screen and nothing is cut.
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
    {
      class: "board",
      dataset: { tableId: String(table.id), accent: accent(table) },
      "aria-labelledby": `board-theme-${table.id}`,
    },
    h(
      "header",
      { class: "board-head" },
      h(
        "div",
        { class: "board-head-top" },
        h("p", { class: "board-number" }),
        h("p", { class: "board-page", hidden: true }),
        h("p", { class: "board-count" }),
      ),
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
  const areas =
    sorted.unsorted.length || !grouped ? [{ key: "", label: t("projector.unsorted"), ideas: sorted.unsorted }] : [];
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
      // no line at all while the room screen gets no names (anonymous by default)
      { class: "idea-author", hidden: !author.first_name && !author.organisation },
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

// -- pages: every idea reaches the screen ------------------------------------------

function overflows(board) {
  const box = board.querySelector(".board-groups");
  return box.scrollHeight > box.clientHeight + 1 || box.scrollWidth > box.clientWidth + 1;
}

/** The board's items in reading order: one per card, one per empty group (its heading alone). */
function itemsOf(board) {
  const items = [];
  for (const group of board.querySelectorAll(".board-groups > .group")) {
    const cards = [...group.querySelector(".group-ideas").children];
    if (!cards.length) items.push({ group, card: null });
    for (const card of cards) items.push({ group, card });
  }
  return items;
}

function hideAll(items) {
  for (const { group, card } of items) {
    group.hidden = true;
    if (card) card.hidden = true;
  }
}

function showItem({ group, card }) {
  group.hidden = false;
  if (card) card.hidden = false;
}

/**
 * Cut the board into pages that fit, at one type size: items are added in
 * order until the next one would overflow, which starts a new page. Nothing
 * is ever dropped or cut; the board shows one page at a time
 * (showBoardPage) and the pages rotate (projector.js).
 */
function paginate(board) {
  const items = itemsOf(board);
  const pages = [];
  hideAll(items);
  let start = 0;
  while (start < items.length) {
    hideAll(items.slice(pages.length ? pages[pages.length - 1][0] : 0, start));
    showItem(items[start]);
    let end = start + 1;
    while (end < items.length) {
      const item = items[end];
      const groupWasHidden = item.group.hidden;
      showItem(item);
      if (overflows(board)) {
        if (item.card) item.card.hidden = true;
        if (groupWasHidden) item.group.hidden = true;
        break;
      }
      end += 1;
    }
    pages.push([start, end]);
    start = end;
  }
  board._items = items;
  board._pages = pages.length ? pages : [[0, 0]];
}

function signature(board) {
  const box = board.querySelector(".board-groups");
  const parts = [box.clientWidth, box.clientHeight, board.querySelector(".board-head").offsetHeight];
  for (const group of board.querySelectorAll(".board-groups > .group")) {
    parts.push(group.dataset.groupId, group.querySelector(".group-label").textContent);
    for (const card of group.querySelector(".group-ideas").children) parts.push(card.dataset.ideaId, card.textContent);
  }
  return JSON.stringify(parts);
}

/** Show page `index` (modulo the board's page count) and its indicator "2 / 3". */
export function showBoardPage(board, index, t) {
  const pages = board._pages || [[0, 0]];
  const n = pages.length;
  const page = ((index % n) + n) % n;
  const items = board._items || [];
  hideAll(items);
  const [start, end] = pages[page];
  for (let i = start; i < end; i += 1) showItem(items[i]);
  board.dataset.page = String(page + 1);
  board.dataset.pages = String(n);
  const indicator = board.querySelector(".board-page");
  setText(indicator, n > 1 ? t("projector.page", { n: page + 1, total: n }) : "");
  show(indicator, n > 1);
  board.dataset.overflow = String(overflows(board));
  return n;
}

/**
 * Cut each board into pages for the current layout (`layout`: "all" side by
 * side, "single" full width). The cut is kept per layout and made again
 * only when what the board holds or the screen size changed.
 * Returns each board's page count.
 */
export function paginateBoards(boards, layout) {
  return boards.map((board) => {
    board._cuts = board._cuts || {};
    const sig = signature(board);
    let cut = board._cuts[layout];
    if (!cut || cut.sig !== sig) {
      paginate(board);
      cut = { sig: signature(board), items: board._items, pages: board._pages };
      board._cuts[layout] = cut;
    }
    board._items = cut.items;
    board._pages = cut.pages;
    return cut.pages.length;
  });
}
