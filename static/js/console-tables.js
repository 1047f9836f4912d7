/**
 * The console's round tables (docs/morning.md, "Round tables"):
 *  - a table facilitator's console (config.table_id) shows their own table
 *    first and alone, with "Voir les autres tables" to glance at the others
 *    read-only (inert), and hides the lead's workshop-wide controls;
 *  - the "Tables et participants" panel: seat everyone automatically
 *    (assign_tables), seat newcomers, the world café rotation
 *    (rotate_tables), names on the room screen (set_show_authors), and each
 *    participant's table with a "move to" select (move_participant).
 * A table facilitator's panel lists their table and the people with no
 * table; they may send someone elsewhere or seat a newcomer at their table.
 */
import { h, reconcile } from "./dom.js";
import { setBlocked, syncOptions } from "./staff-ui.js";

/** Mount on `root` (a <section>); returns {update(connected), applyScope(boards)}. */
export function mountConsoleTables(root, { store, t, run, busy, scope }) {
  const scoped = scope !== null && scope !== undefined;
  const state = { showOthers: false };
  if (scoped) hideLeadControls();

  const others = h("button", {
    type: "button",
    class: "btn btn-secondary toggle-others",
    "aria-pressed": "false",
    text: t("tables.show_others"),
  });
  const balanced = h("button", {
    type: "button",
    class: "btn btn-secondary assign-balanced",
    text: t("tables.assign_balanced"),
  });
  const fill = h("button", { type: "button", class: "btn btn-secondary assign-fill", text: t("tables.assign_fill") });
  const rotate = h("button", { type: "button", class: "btn btn-primary rotate-tables" });
  const authorsBox = h("input", { type: "checkbox", id: "show-authors", class: "show-authors" });
  const authors = h(
    "label",
    { class: "show-authors-label", for: "show-authors" },
    authorsBox,
    h("span", { text: t("tables.show_authors") }),
  );
  const round = h("p", { class: "rotation-round", role: "status" });
  const list = h("ul", { class: "seat-list" });
  const summary = h("summary", { class: "tables-summary" });
  const details = h(
    "details",
    { class: "tables-details" },
    summary,
    h("div", { class: "tables-controls" }, scoped ? null : [balanced, fill, rotate, authors], round),
    list,
  );
  const scopeBar = scoped ? h("div", { class: "tables-scope" }, h("p", { class: "scope-note" }), others) : null;
  root.replaceChildren(...[scopeBar, details].filter(Boolean));
  const note = root.querySelector(".scope-note");

  others.addEventListener("click", () => {
    state.showOthers = !state.showOthers;
    update(true);
    render();
  });
  balanced.addEventListener("click", () =>
    guarded(balanced, "assign", "assign_tables", { mode: "balanced_by_organisation" }),
  );
  fill.addEventListener("click", () => guarded(fill, "assign", "assign_tables", { mode: "fill" }));
  rotate.addEventListener("click", () => {
    const next = (Number(store.workshop.rotation_round) || 0) + 1;
    guarded(rotate, "rotate", "rotate_tables", { round: next });
  });
  authorsBox.addEventListener("change", async () => {
    const ack = await run("authors", "set_show_authors", { show: authorsBox.checked });
    if (!ack || !ack.ok) authorsBox.checked = store.workshop.show_authors !== false;
  });
  list.addEventListener("change", (event) => {
    const select = event.target.closest(".seat-move");
    if (!select || !select.value) return;
    const id = Number(select.closest(".seat").dataset.participantId);
    run(`seat:${id}`, "move_participant", { participant_id: id, table_id: Number(select.value) });
  });

  let render = () => {};
  function guarded(button, key, name, payload) {
    if (button.getAttribute("aria-disabled") === "true") return;
    run(key, name, payload);
  }

  function hideLeadControls() {
    for (const id of ["joining-toggle", "projector-view", "projector-link"]) {
      const el = document.getElementById(id);
      const group = el && el.closest(".control-group");
      if (group) group.hidden = true;
    }
  }

  /** Who this console lists: everyone for the lead; their table and the unseated for a table facilitator. */
  function people() {
    const all = [...store.participants.values()];
    const mine = scoped
      ? all.filter((p) => p.table_id === scope || p.table_id === null || p.table_id === undefined)
      : all;
    return mine.sort(
      (a, b) => seatOrder(a) - seatOrder(b) || String(a.first_name).localeCompare(String(b.first_name)) || a.id - b.id,
    );
  }

  function seatOrder(p) {
    const table = store.tableById(p.table_id);
    return table ? table.number : 1e6;
  }

  function tableLabel(id) {
    const table = store.tableById(id);
    return table ? t("common.table_number", { n: table.number }) : t("tables.no_table");
  }

  /** The tables a participant may be sent to from this console. */
  function destinations(p) {
    if (!scoped || p.table_id === scope) return store.tables.filter((table) => table.id !== p.table_id);
    return store.tables.filter((table) => table.id === scope); // a newcomer: seat them here
  }

  function update(connected) {
    const blocked = (key) => !connected || busy.has(key);
    const ws = store.workshop;
    const seated = [...store.participants.values()].filter(
      (p) => p.table_id !== null && p.table_id !== undefined,
    ).length;
    summary.textContent = t("tables.summary", { seated, total: store.participants.size });
    setBlocked(balanced, blocked("assign"));
    setBlocked(fill, blocked("assign"));
    rotate.hidden = !ws.rotation;
    rotate.textContent = t("tables.rotate", { n: (Number(ws.rotation_round) || 0) + 1 });
    setBlocked(rotate, blocked("rotate") || store.tables.length < 2);
    round.textContent = ws.rotation && ws.rotation_round ? t("tables.round", { n: ws.rotation_round }) : "";
    if (!busy.has("authors")) authorsBox.checked = ws.show_authors !== false;
    authorsBox.disabled = blocked("authors");
    if (scoped) {
      const table = store.tableById(scope);
      note.textContent = table ? t("tables.scope_note", { n: table.number, theme: table.theme }) : "";
      others.setAttribute("aria-pressed", String(state.showOthers));
      others.textContent = state.showOthers ? t("tables.hide_others") : t("tables.show_others");
    }
    reconcile(list, people(), {
      keyOf: (p) => String(p.id),
      sigOf: (p) =>
        JSON.stringify([p.first_name, p.organisation, p.table_id, store.tables.length, blocked(`seat:${p.id}`)]),
      build: (p) => buildSeat(p, blocked(`seat:${p.id}`)),
    });
  }

  function buildSeat(p, isBusy) {
    const selectId = `seat-move-${p.id}`;
    const select = h("select", { id: selectId, class: "input input-inline input-tiny seat-move", disabled: isBusy });
    syncOptions(
      select,
      [{ value: "", label: t("tables.move_to") }].concat(
        destinations(p).map((table) => ({
          value: String(table.id),
          label: `${t("common.table_number", { n: table.number })} · ${table.theme}`,
        })),
      ),
      "",
    );
    return h(
      "li",
      { class: "seat", dataset: { participantId: String(p.id), tableId: String(p.table_id ?? "") } },
      h("span", { class: "seat-name", text: [p.first_name, p.organisation].filter(Boolean).join(" · ") }),
      h("span", { class: "seat-table", text: tableLabel(p.table_id) }),
      h("label", {
        class: "visually-hidden",
        for: selectId,
        text: t("tables.move_label", { name: p.first_name || "" }),
      }),
      select,
    );
  }

  /** After the boards are drawn: own table first; the others hidden or read-only. */
  function applyScope(boards) {
    if (!scoped || !boards || !boards._keyed) return;
    for (const [key, board] of boards._keyed) {
      const own = Number(key) === scope;
      board.dataset.scope = own ? "own" : "other";
      board.hidden = !own && !state.showOthers;
      board.inert = !own;
    }
  }

  return {
    update,
    applyScope,
    /** The console's render, called when "Voir les autres tables" changes. */
    setRender(fn) {
      render = fn;
    },
  };
}
