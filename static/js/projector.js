/**
 * The room screen: every table's board side by side (or one table full
 * width), filling live, its ideas sorted into groups (projector-board.js),
 * with the join panel (QR code, code, address) while joining is open.
 * Read-only: the projector key can only connect and sync.
 */
import { readConfig, h, makeT, reconcile, show } from "./dom.js";
import { startStaffPage } from "./staff-page.js";
import { setText, accent } from "./staff-ui.js";
import { buildBoard, updateBoard, paginateBoards, showBoardPage } from "./projector-board.js";
import { mountProjectorRestitution } from "./projector-restitution.js";
import { attachClock } from "./timer.js";
import { renderVoteResults } from "./projector-votes.js";
import { mountProjectorPhase } from "./phase-ui.js";
import { mountSlides } from "./projector-slides.js";

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
  paused: $("rotation-paused"),
};

const { store, live, schedule } = startStaffPage({ role: "projector", config, t, render });
// The current step and its countdown, on the server's clock (phase-ui.js).
const clock = attachClock(live);
const phasePanel = mountProjectorPhase($("phase-panel"), { store, clock, t, code: config.code });
// Full-screen slides by phase: join, voting, break, closing (projector-slides.js).
const slides = mountSlides($("slide"), { store, clock, t, config });
// Plenary restitution: one table at a time, and the spotlit item full-screen (projector-restitution.js).
const restitution = mountProjectorRestitution({ section: $("restitution"), spotlight: $("spotlight") }, { store, t });
hideIdleCursor();
window.addEventListener("resize", schedule);
const rotation = startRotation();
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
  renderVoteResults($("vote-results"), { store, t, view });
  slides.update(); // before the restitution measures its pages: the slide must be gone
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
  const shown = store.tables
    .filter((table) => view === "all" || view === table.id)
    .map((table) => els.boards._keyed.get(String(table.id)));
  renderJoinPanel(view);
  rotation.follow();
  // the boards are hidden behind the restitution, the vote results or a slide: nothing to fit
  if (!boardsShown()) {
    for (const pill of els.perTable.children) pill.dataset.current = "true";
    return;
  }
  layoutBoards(shown, view);
}

/**
 * Choose the layout and the slides the boards rotate through. Side by side
 * while every table fits on one page; as soon as one does not, one table at
 * a time, full width, each with all its pages in turn ("Page 2 / 5"), then
 * the next table. One table chosen on the console: its pages in turn.
 */
function layoutBoards(shown, view) {
  let slides;
  els.boards.dataset.rotating = "false";
  for (const board of shown) board.hidden = false;
  if (view === "all" && shown.length > 1) {
    els.boards.dataset.view = "all";
    const counts = paginateBoards(shown, "all");
    if (Math.max(...counts) <= 1) slides = [{ board: null, page: 0 }];
  }
  if (!slides) {
    els.boards.dataset.view = "single";
    els.boards.dataset.rotating = String(shown.length > 1);
    slides = [];
    for (const board of shown) {
      for (const other of shown) other.hidden = other !== board;
      const [pages] = paginateBoards([board], "single");
      for (let page = 0; page < pages; page += 1) slides.push({ board, page });
    }
  }
  rotation.slides = slides;
  rotation.shown = shown;
  els.boards.dataset.cycle = String(slides.length);
  showSlide();
}

/** Show the rotation's current slide: every board's only page, or one board's page. */
function showSlide() {
  const { slides, shown } = rotation;
  if (!slides || !slides.length) return;
  const slide = slides[((rotation.index % slides.length) + slides.length) % slides.length];
  for (const board of shown) {
    board.hidden = Boolean(slide.board) && board !== slide.board;
    if (!board.hidden) showBoardPage(board, slide.board ? slide.page : 0, t);
  }
  const current = slide.board ? slide.board.dataset.tableId : "";
  for (const pill of els.perTable.children) pill.dataset.current = String(!current || pill.dataset.tableId === current);
}

function boardsShown() {
  const body = document.body.dataset;
  return body.restitution !== "on" && body.results !== "on" && (body.slide || "none") === "none";
}

/**
 * The boards' slides (layoutBoards) turn on their own, every `page_seconds`
 * (10 s; the `?page_seconds=` URL parameter changes it, e.g. for tests),
 * unless the lead holds them (`workshop.projector_paused`, "Rotation en
 * pause" on screen). The lead's "next" / "previous" (set_projector_rotation)
 * turn one page at once and restart the wait.
 */
function startRotation() {
  const param = Number(new URLSearchParams(window.location.search).get("page_seconds"));
  const seconds = Number.isFinite(param) && param >= 0.2 ? param : 10;
  const state = { index: 0, slides: null, shown: [], steps: 0, timer: 0 };
  const turn = (delta) => {
    const n = Math.max(1, state.slides ? state.slides.length : 1);
    state.index = delta > 0 || state.index > 0 ? state.index + delta : n - 1; // "previous" from the first: the last
    if (document.body.dataset.restitution === "on") restitution.turn(state.index);
    if (boardsShown()) showSlide();
  };
  const tick = () => {
    els.boards.dataset.ticks = String((Number(els.boards.dataset.ticks) || 0) + 1); // each wait that ended (tests)
    if (store.loaded && !store.workshop.projector_paused) turn(1);
  };
  const restart = () => {
    clearInterval(state.timer);
    state.timer = setInterval(tick, seconds * 1000);
  };
  /** After each render: apply the lead's nudges that arrived, show the hold. */
  state.follow = () => {
    const total = store.rotationSteps || 0;
    if (total !== state.steps) {
      const delta = total - state.steps;
      state.steps = total;
      turn(Math.sign(delta));
      restart();
    }
    const paused = Boolean(store.workshop.projector_paused);
    document.body.dataset.rotation = paused ? "paused" : "running";
    show(els.paused, paused && (boardsShown() || document.body.dataset.restitution === "on"));
  };
  restart();
  els.boards.dataset.pageSeconds = String(seconds);
  return state;
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
  if (cut <= 0) {
    element.append(text);
    return;
  }
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
