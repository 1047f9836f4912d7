/**
 * The room screen: every table's board side by side (or one table full
 * width), filling live, its ideas sorted into groups (projector-board.js),
 * with the join panel (QR code, code, address) while joining is open.
 * Read-only: the projector key can only connect and sync.
 */
import { readConfig, h, makeT, reconcile, show } from "./dom.js";
import { startStaffPage } from "./staff-page.js";
import { setText, accent } from "./staff-ui.js";
import { buildBoard, updateBoard, fitBoards } from "./projector-board.js";
import { mountProjectorRestitution } from "./projector-restitution.js";
import { attachClock } from "./timer.js";
import { renderVoteResults } from "./projector-votes.js";
import { mountProjectorPhase } from "./phase-ui.js";

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
// The current step and its countdown, on the server's clock (phase-ui.js).
const phasePanel = mountProjectorPhase($("phase-panel"), { store, clock: attachClock(live), t, code: config.code });
// Plenary restitution: one table at a time, and the spotlit item full-screen (projector-restitution.js).
const restitution = mountProjectorRestitution({ section: $("restitution"), spotlight: $("spotlight") }, { store, t });
hideIdleCursor();
window.addEventListener("resize", schedule);
render();

function render() {
  show(els.loading, !store.loaded && !live.stopped);
  if (!store.loaded) return;
  followShowAuthors();
  const view = store.projectorView();
  els.boards.dataset.view = view === "all" ? "all" : "single";
  document.body.dataset.joining = store.workshop.joining_open ? "open" : "closed";
  renderCounts();
  phasePanel.update();
  restitution.update();
  reconcile(els.boards, store.tables, {
    keyOf: (table) => String(table.id),
    sigOf: () => "board", // the board is updated in place below
    build: buildBoard,
  });
  for (const table of store.tables) {
    const board = els.boards._keyed.get(String(table.id));
    board.hidden = view !== "all" && view !== table.id;
    updateBoard(board, table, { store, t });
  }
  renderJoinPanel(view);
  renderVoteResults($("vote-results"), { store, t, view });
  // the boards are hidden behind the restitution or the vote results: nothing to fit
  if (document.body.dataset.restitution === "on" || document.body.dataset.results === "on") return;
  const boards = store.tables.map((table) => els.boards._keyed.get(String(table.id))).filter((b) => !b.hidden);
  fitBoards(boards, t);
}

/**
 * Names on the room screen (docs/protocol.md, "set_show_authors"): while they
 * are hidden the server sends no names; when they are shown again, fetch a
 * fresh snapshot to get them back.
 */
let shownAuthors = null;
function followShowAuthors() {
  const shown = store.workshop.show_authors !== false;
  if (shownAuthors === false && shown) live.resync(0);
  shownAuthors = shown;
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
