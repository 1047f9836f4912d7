/**
 * The room screen: every table's board side by side (or one table full
 * width), filling live, with the join panel (QR code, code, address) while
 * joining is open. Read-only: the projector key can only connect and sync.
 */
import { readConfig, h, makeT, reconcile, show } from "./dom.js";
import { startStaffPage } from "./staff-page.js";

const config = readConfig();
const t = makeT(config.strings || {}, config.lang);
const $ = (id) => document.getElementById(id);

const els = {
  loading: $("loading"),
  boards: $("boards"),
  participants: $("count-participants"),
  ideas: $("count-ideas"),
  perTable: $("count-tables"),
  joinPanel: $("join-panel"),
  qr: $("join-qr"),
  code: $("join-code"),
  url: $("join-url"),
  joinTable: $("join-table"),
};

const { store, live, schedule } = startStaffPage({ role: "projector", config, t, render });
hideIdleCursor();
window.addEventListener("resize", schedule);
render();

function render() {
  show(els.loading, !store.loaded && !live.stopped);
  if (!store.loaded) return;
  const view = store.projectorView();
  els.boards.dataset.view = view === "all" ? "all" : "single";
  document.body.dataset.joining = store.workshop.joining_open ? "open" : "closed";
  renderCounts();
  reconcile(els.boards, store.tables, {
    keyOf: (table) => String(table.id),
    sigOf: () => "board", // the board is updated in place below
    build: buildBoard,
  });
  for (const table of store.tables) {
    const board = els.boards._keyed.get(String(table.id));
    board.hidden = view !== "all" && view !== table.id;
    updateBoard(board, table);
  }
  renderJoinPanel(view);
  const boards = store.tables.map((table) => els.boards._keyed.get(String(table.id))).filter((b) => !b.hidden);
  // Side by side, the boards share one type size (the smallest any of them needs).
  const level = Math.max(0, ...boards.map(fitBoard));
  for (const board of boards) {
    board.dataset.density = DENSITIES[level];
    const list = board.querySelector(".board-ideas");
    board.dataset.overflow = String(list.scrollHeight > list.clientHeight + 1);
  }
}

const DENSITIES = ["low", "medium", "high", "dense"];

/**
 * The largest type (index in DENSITIES) for which the board's cards fit on
 * screen (newest first: when even the smallest type overflows, the oldest
 * cards fade out at the bottom). Starts from the current size, so a new card
 * costs one or two layout reads per board.
 */
function fitBoard(board) {
  const list = board.querySelector(".board-ideas");
  const overflows = () => list.scrollHeight > list.clientHeight + 1;
  let level = Math.max(0, DENSITIES.indexOf(board.dataset.density));
  board.dataset.density = DENSITIES[level];
  if (overflows()) {
    while (level < DENSITIES.length - 1) {
      level += 1;
      board.dataset.density = DENSITIES[level];
      if (!overflows()) break;
    }
  } else {
    while (level > 0) {
      board.dataset.density = DENSITIES[level - 1];
      if (overflows()) {
        board.dataset.density = DENSITIES[level];
        break;
      }
      level -= 1;
    }
  }
  return level;
}

function renderCounts() {
  const participants = store.participants.size;
  els.participants.textContent = t.plural("projector.participants", participants);
  els.ideas.textContent = t.plural("projector.ideas", store.ideas.size);
  reconcile(els.perTable, store.tables, {
    keyOf: (table) => String(table.id),
    sigOf: (table) => `${table.number}:${store.ideasOf(table.id).length}`,
    build: (table) =>
      h(
        "li",
        { class: "count-table", dataset: { tableId: String(table.id), accent: accent(table) } },
        h("span", { class: "count-table-label", text: t("common.table_short", { n: table.number }) }),
        h("span", { class: "count-table-value", text: String(store.ideasOf(table.id).length) }),
      ),
  });
}

function buildBoard(table) {
  const list = h("ol", { class: "board-ideas", "aria-live": "off" });
  const board = h(
    "section",
    { class: "board", dataset: { tableId: String(table.id), accent: accent(table) }, "aria-labelledby": `board-theme-${table.id}` },
    h(
      "header",
      { class: "board-head" },
      h(
        "div",
        { class: "board-head-top" },
        h("p", { class: "board-number" }),
        h("p", { class: "board-count" }),
      ),
      h("h2", { class: "board-theme", id: `board-theme-${table.id}` }),
      h("p", { class: "board-question" }),
      h("p", { class: "board-facilitator" }),
    ),
    list,
    h("p", { class: "board-empty", text: t("projector.no_ideas") }),
  );
  return board;
}

function updateBoard(board, table) {
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
  show(board.querySelector(".board-empty"), ideas.length === 0);

  const list = board.querySelector(".board-ideas");
  const firstRender = !list._keyed;
  reconcile(list, ideas, {
    keyOf: (idea) => idea.id,
    sigOf: (idea) => `${idea.text}\u0000${authorLine(idea)}`,
    build: buildCard,
    created: (el) => {
      if (firstRender) return;
      el.classList.add("is-new");
      el.addEventListener("animationend", () => el.classList.remove("is-new"), { once: true });
    },
  });
}

function buildCard(idea) {
  const author = idea.author || {};
  return h(
    "li",
    { class: "idea", dataset: { ideaId: idea.id, state: idea.state } },
    h("p", { class: "idea-text", text: idea.text }),
    h(
      "p",
      { class: "idea-author" },
      h("span", { class: "idea-name", text: author.first_name || "" }),
      author.organisation ? h("span", { class: "idea-org", text: author.organisation }) : null,
    ),
  );
}

function authorLine(idea) {
  const author = idea.author || {};
  return `${author.first_name || ""}\u0000${author.organisation || ""}`;
}

function renderJoinPanel(view) {
  const open = Boolean(store.workshop.joining_open);
  show(els.joinPanel, open);
  if (!open) return;
  const table = view === "all" ? null : store.tableById(view);
  const qr = table ? table.qr_url : store.workshop.qr_url;
  const url = table ? table.join_url : store.workshop.join_url;
  if (qr && els.qr.getAttribute("src") !== qr) els.qr.setAttribute("src", qr);
  setText(els.code, store.workshop.code || config.code);
  setUrl(els.url, displayUrl(url || ""));
  setText(els.joinTable, table ? t("projector.join_table", { n: table.number }) : "");
  show(els.joinTable, Boolean(table));
}

/** Show an address with a line-break opportunity before its path (never inside the host). */
function setUrl(element, text) {
  if (element.dataset.url === text) return;
  element.dataset.url = text;
  const cut = text.indexOf("/");
  element.replaceChildren();
  if (cut <= 0) { element.append(text); return; }
  element.append(text.slice(0, cut), document.createElement("wbr"), text.slice(cut));
}

/** The address without its scheme: shorter to read and to type. */
function displayUrl(url) {
  return url.replace(/^https?:\/\//, "");
}

function setText(el, text) {
  if (el && el.textContent !== text) el.textContent = text;
}

function accent(table) {
  return String(((Number(table.number) || 1) - 1) % 6 + 1);
}

/** Hide the mouse pointer when it has not moved for a few seconds. */
function hideIdleCursor() {
  let timer = null;
  const wake = () => {
    document.body.classList.remove("cursor-idle");
    clearTimeout(timer);
    timer = setTimeout(() => document.body.classList.add("cursor-idle"), 3000);
  };
  document.addEventListener("mousemove", wake);
  wake();
}
