/**
 * The facilitator console: open/close joining and posting, choose what the
 * projector shows, hide and restore ideas, sort ideas into groups. Every
 * change comes back as an event; a refused command shows its message in the
 * alert area. The boards are drawn by console-board.js; what their buttons,
 * selects and drag-and-drop do is in console-groups.js; "Regrouper" and the
 * duplicates' "Fusionner" / "Garder les deux" are in console-automation.js.
 */
import { readConfig, h, makeT, reconcile, show, makeMessageArea } from "./dom.js";
import { startStaffPage } from "./staff-page.js";
import { setBlocked } from "./staff-ui.js";
import { renderBoards } from "./console-board.js";
import { createUiState, bindBoardActions } from "./console-groups.js";
import { bindAutomationActions } from "./console-automation.js";
import { mountConsoleRemote } from "./console-remote.js";
import { mountConsoleVotes } from "./console-votes.js";
import { mountConsoleTables } from "./console-tables.js";
import { bindCorrectActions, forgetGoneCorrections } from "./console-correct.js";
import { attachClock } from "./timer.js";
import { mountConsolePhase } from "./phase-ui.js";
import { currentEntry } from "./phase-state.js";
import { arrangeConsole } from "./console-layout.js";
import { createActionPlan } from "./console-actions.js";
import { mountCardMenu } from "./card-menu.js";
import { createToast } from "./toast.js";
import { createUndo } from "./undo.js";
import { mountProjectorRotation } from "./console-projector.js";

const config = readConfig();
// A table facilitator's console: the agenda strip folds to their step and timer (console.css).
document.body.dataset.scope = config.table_id === null || config.table_id === undefined ? "lead" : "table";
const t = makeT(config.strings || {}, config.lang);
const $ = (id) => document.getElementById(id);

const message = makeMessageArea();
// keys of commands in flight: "joining", "view", "posting:<table>", "idea:<id>",
// "move:<id>", "create:<table>", "group:<id>", "regroup:<table>", "dup:<idea id>"
const busy = new Set();
let votesPanel = null; // dot voting controls, mounted below
let tablesPanel = null; // seating, rotation, names on the projector, table scope (console-tables.js)
const ui = createUiState();
ui.scope = config.table_id ?? null; // null: the lead; else the table this console acts on (restitution, spotlight)
let remote = null; // restitution remote, mounted below
const els = {
  loading: $("loading"),
  boards: $("boards"),
  joining: $("joining-toggle"),
  joiningState: $("joining-state"),
  view: $("projector-view"),
  participants: $("count-participants"),
  ideas: $("count-ideas"),
};

const { store, live } = startStaffPage({ role: "facilitator", config, t, render });

/**
 * Send a command once at a time per key; show the message of a refusal.
 * options go to live.command (e.g. {timeoutMs} for a slow command).
 */
async function run(key, name, payload, options) {
  if (busy.has(key) || !store.loaded) return null;
  busy.add(key);
  render();
  const ack = await live.command(name, payload, options);
  busy.delete(key);
  if (ack.ok) message.clear();
  else message.show(ack.message || t("errors.generic"));
  render();
  return ack;
}

// Grouping and moderation record their inverse: Ctrl+Z and the "Annuler" toast send it (undo.js).
const undo = createUndo({ store, t, run, toast: createToast(document.body) });
const actions = bindBoardActions({ root: els.boards, store, t, ui, run: undo.run, render, message });
// Each card's and group's actions in one menu behind its "⋯" (card-menu.js).
const menu = mountCardMenu(els.boards, {
  label: (el) =>
    el.matches(".idea")
      ? el.querySelector(".menu-button").textContent.replace("⋯", "").trim()
      : el.querySelector(".group-head .menu-button").textContent.replace("⋯", "").trim(),
});
// The action plan: "Créer une action" on groups and ideas, the list per table (console-actions.js).
const actionPlan = createActionPlan({ main: $("main"), boards: els.boards, store, t, run, config });
// Round tables: a table facilitator's scope, seating and rotation; "Corriger" on idea cards.
tablesPanel = mountConsoleTables($("tables-panel"), { store, t, run, busy, scope: config.table_id ?? null });
tablesPanel.setRender(() => render());
bindCorrectActions({ root: els.boards, store, ui, run: undo.run, render });
// Agenda and timer: controls for the lead, read-only for a table facilitator (phase-ui.js).
const phasePanel = mountConsolePhase($("phase-controls"), {
  store,
  clock: attachClock(live),
  t,
  run,
  busy,
  code: config.code,
  lead: config.table_id === null || config.table_id === undefined,
  isConnected: () => live.status === "connected",
});
bindAutomationActions({ root: els.boards, store, t, ui, run: undo.run, render });
// Dot voting per table: open/close, reveal, live counts (console-votes.js); a table facilitator sees their table.
votesPanel = mountConsoleVotes($("votes-panel"), {
  store,
  live,
  t,
  run,
  busy,
  schedule: () => render(),
  scope: config.table_id ?? null,
});

// Plenary restitution remote, keyboard arrows and spotlight buttons (console-remote.js).
remote = mountConsoleRemote({
  root: $("remote"),
  boards: els.boards,
  store,
  t,
  run,
  busy,
  scope: ui.scope,
  isConnected: () => live.status === "connected",
});

// The lead holds or turns the projector's pages (console-projector.js).
const rotationControls = mountProjectorRotation({ store, t, run, busy });

els.joining.addEventListener("click", () => {
  run("joining", "set_joining", { open: !store.workshop.joining_open });
});

els.view.addEventListener("change", async () => {
  const value = els.view.value;
  const ack = await run("view", "set_projector_view", { view: value === "all" ? "all" : Number(value) });
  if (!ack || !ack.ok) els.view.value = String(store.projectorView());
});

render();

// -- rendering -------------------------------------------------------------

function render() {
  show(els.loading, !store.loaded && !live.stopped);
  const connected = live.status === "connected";
  document.body.dataset.connected = connected ? "yes" : "no";
  if (!store.loaded) {
    setBlocked(els.joining, true);
    return;
  }
  renderBar(connected);
  rotationControls.update(connected);
  const entry = currentEntry(store.agenda, store.phase);
  arrangeConsole($("fatal"), entry ? entry.kind : null);
  if (votesPanel) votesPanel.update(connected);
  phasePanel.update();
  if (remote) remote.update();
  if (tablesPanel) {
    tablesPanel.update(connected);
    forgetGoneCorrections(ui, store);
  }
  renderBoards(els.boards, { store, t, lang: config.lang, connected, busy, ui });
  if (tablesPanel) tablesPanel.applyScope(els.boards);
  actions.afterRender();
  menu.afterRender();
  actionPlan.render(connected);
}

function renderBar(connected) {
  const open = Boolean(store.workshop.joining_open);
  els.joining.textContent = open ? t("console.close_joining") : t("console.open_joining");
  els.joining.setAttribute("aria-pressed", String(open));
  els.joining.dataset.open = String(open);
  setBlocked(els.joining, !connected || busy.has("joining"));
  els.joiningState.textContent = open ? t("console.joining_open") : t("console.joining_closed");
  els.joiningState.dataset.open = String(open);

  const options = [{ value: "all", label: t("console.view_all") }].concat(
    store.tables.map((table) => ({
      value: String(table.id),
      label: `${t("common.table_number", { n: table.number })} · ${table.theme}`,
    })),
  );
  reconcile(els.view, options, {
    keyOf: (option) => option.value,
    sigOf: (option) => option.label,
    build: (option) => h("option", { value: option.value, text: option.label }),
  });
  if (!busy.has("view")) els.view.value = String(store.projectorView());

  const total = store.participants.size;
  const unseated = [...store.participants.values()].filter(
    (p) => p.table_id === null || p.table_id === undefined,
  ).length;
  els.participants.textContent =
    t.plural("console.participants", total) + (unseated ? ` (${t.plural("console.unseated", unseated)})` : "");
  els.ideas.textContent = t.plural(
    "console.ideas",
    [...store.ideas.values()].filter((i) => i.state === "visible").length,
  );
}
