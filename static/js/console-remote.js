/**
 * The console's restitution remote ("télécommande"): start and stop the
 * walk-through and choose a table (lead), previous / next step, spotlight the
 * item of the current step or any listed item, clear the spotlight. Big
 * buttons, usable on a 390 px wide phone: "?mode=remote" (or the
 * "Télécommande" button) shows the remote alone. Arrow keys (and Page
 * Up/Down, as sent by presentation clickers) step through it when the focus
 * is not in a field; Escape clears the spotlight.
 * Also handles the spotlight buttons of idea cards and group headers
 * (console-spotlight.js). docs/morning.md, "Plenary restitution".
 */
import { h, show } from "./dom.js";
import { setBlocked } from "./staff-ui.js";
import { truncate } from "./console-cards.js";
import {
  STEPS,
  currentPosition,
  neighbour,
  canDrive,
  canSpotlight,
  isSpotlit,
  groupsStep,
  voteStep,
  spotlightItem,
  defaultTarget,
} from "./restitution.js";
import { rowLabel } from "./vote-chart.js";

/**
 * root: the #remote section; boards: the #boards element (card buttons);
 * scope: null (lead) or the console's table id;
 * run(key, name, payload) -> ack | null; busy: Set of keys in flight.
 */
export function mountConsoleRemote({ root, boards, store, t, run, busy, scope, isConnected }) {
  const lead = scope === null || scope === undefined;
  const toggle = h("button", {
    type: "button",
    class: "btn btn-quiet btn-small remote-toggle",
    "aria-pressed": "false",
  });
  const params = new URLSearchParams(window.location.search);
  setMode(params.get("mode") === "remote");

  function setMode(remote) {
    document.body.dataset.mode = remote ? "remote" : "console";
    if (toggle) {
      toggle.setAttribute("aria-pressed", String(remote));
      toggle.textContent = remote ? t("restitution.full_console") : t("restitution.remote");
    }
  }
  toggle.addEventListener("click", () => {
    const remote = document.body.dataset.mode !== "remote";
    setMode(remote);
    const url = new URL(window.location.href);
    if (remote) url.searchParams.set("mode", "remote");
    else url.searchParams.delete("mode");
    window.history.replaceState(null, "", url);
    update();
  });

  const go = (position) => {
    if (!position) return;
    run("restitution", "set_restitution", { table_id: position.table_id, step: position.step });
  };
  const step = (dir) => {
    if (!store.loaded || !canDrive(store, scope)) return;
    const position = currentPosition(store);
    if (!position && !lead) return;
    go(neighbour(store, position, dir, lead ? null : scope));
  };
  const spotlight = (kind, id) => {
    if (isSpotlit(store, kind, id)) run("spotlight", "set_spotlight", { kind: null });
    else run("spotlight", "set_spotlight", { kind, id });
  };
  const clear = () => {
    if (store.workshop.spotlight) run("spotlight", "set_spotlight", { kind: null });
  };
  /** A click handler that ignores a button marked unusable (aria-disabled keeps it focusable). */
  const act = (fn) => (event) => {
    if (event.currentTarget.getAttribute("aria-disabled") !== "true") fn();
  };

  // -- the panel -------------------------------------------------------------------
  const els = {
    status: h("p", { class: "remote-status", role: "status", "aria-live": "polite" }),
    where: h("p", { class: "remote-where" }),
    lead: h("div", { class: "remote-lead", hidden: !lead }),
    tableSelect: h("select", { class: "input remote-table", "aria-label": t("restitution.choose_table") }),
    start: h("button", {
      type: "button",
      class: "btn btn-primary remote-start",
      on: {
        click: act(() => {
          const tableId = Number(els.tableSelect.value) || (store.tables[0] && store.tables[0].id);
          if (tableId) go({ table_id: tableId, step: 0 });
        }),
      },
    }),
    stop: h("button", {
      type: "button",
      class: "btn btn-quiet remote-stop",
      text: t("restitution.stop"),
      on: { click: act(() => run("restitution", "set_restitution", { table_id: null })) },
    }),
    prev: h(
      "button",
      { type: "button", class: "btn btn-secondary remote-prev", on: { click: act(() => step(-1)) } },
      h("span", { "aria-hidden": "true", text: "◀ " }),
      t("restitution.previous"),
    ),
    next: h(
      "button",
      { type: "button", class: "btn btn-primary remote-next", on: { click: act(() => step(1)) } },
      t("restitution.next"),
      h("span", { "aria-hidden": "true", text: " ▶" }),
    ),
    spot: h("button", {
      type: "button",
      class: "btn btn-secondary remote-spot",
      on: {
        click: act(() => {
          const target = defaultTarget(store, currentPosition(store));
          if (target) spotlight(target.kind, target.id);
        }),
      },
    }),
    clear: h("button", {
      type: "button",
      class: "btn btn-warn remote-clear",
      text: t("restitution.clear"),
      on: { click: act(clear) },
    }),
    current: h("p", { class: "remote-current" }),
    items: h("ul", { class: "remote-items" }),
    hint: h("p", { class: "remote-hint" }),
  };
  els.lead.append(
    h("label", { class: "visually-hidden", text: t("restitution.choose_table") }),
    els.tableSelect,
    els.start,
    els.stop,
  );
  els.tableSelect.id = "remote-table";
  els.lead.firstChild.setAttribute("for", "remote-table");
  // Unusable until the first sync has drawn the panel (a tap before would be lost).
  for (const button of [els.start, els.stop, els.prev, els.next, els.spot, els.clear]) setBlocked(button, true);
  els.start.textContent = t("restitution.start");
  root.replaceChildren(
    h(
      "div",
      { class: "remote-head" },
      h("h2", { class: "remote-title", id: "remote-title", text: t("restitution.title") }),
      toggle,
    ),
    els.status,
    els.where,
    h("div", { class: "remote-nav" }, els.prev, els.next),
    h("div", { class: "remote-spots" }, els.spot, els.clear),
    els.current,
    els.items,
    els.lead,
    els.hint,
  );
  root.setAttribute("aria-labelledby", "remote-title");

  els.items.addEventListener("click", (event) => {
    const button = event.target.closest("button[data-spot-kind]");
    if (!button || button.getAttribute("aria-disabled") === "true") return;
    spotlight(button.dataset.spotKind, button.dataset.spotId);
  });
  if (boards) {
    boards.addEventListener("click", (event) => {
      const button = event.target.closest(".spotlight-idea, .spotlight-group");
      if (!button || !boards.contains(button) || button.getAttribute("aria-disabled") === "true") return;
      spotlight(button.dataset.spotKind, button.dataset.spotId);
    });
  }

  // -- keyboard ---------------------------------------------------------------------
  document.addEventListener("keydown", (event) => {
    if (event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey || event.shiftKey) return;
    const target = event.target;
    if (target && target.closest && target.closest("input, textarea, select, [contenteditable], [role=dialog]")) return;
    if (!store.loaded || !currentPosition(store) || !canDrive(store, scope)) return;
    if (event.key === "ArrowRight" || event.key === "PageDown") {
      event.preventDefault();
      step(1);
    } else if (event.key === "ArrowLeft" || event.key === "PageUp") {
      event.preventDefault();
      step(-1);
    } else if (event.key === "Escape" && store.workshop.spotlight) {
      event.preventDefault();
      clear();
    }
  });

  // -- rendering --------------------------------------------------------------------
  function update() {
    if (!store.loaded) return;
    const connected = isConnected();
    const position = currentPosition(store);
    const driving = canDrive(store, scope);
    const blocked = !connected || busy.has("restitution");
    const table = position ? store.tableById(position.table_id) : null;
    root.dataset.active = position ? "yes" : "no";
    root.dataset.driving = driving && position ? "yes" : "no";

    els.status.textContent = position
      ? t("restitution.status", {
          n: table.number,
          step: t(`restitution.step_${STEPS[position.step]}`),
          i: position.step + 1,
          total: STEPS.length,
        })
      : t("restitution.status_off");
    els.where.textContent = table ? table.theme : "";
    show(els.where, Boolean(table));

    if (lead) {
      const options = store.tables.map((tb) => ({
        value: String(tb.id),
        label: `${t("common.table_number", { n: tb.number })} · ${truncate(tb.theme, 40)}`,
      }));
      const sig = JSON.stringify(options);
      if (els.tableSelect._sig !== sig) {
        els.tableSelect._sig = sig;
        els.tableSelect.replaceChildren(...options.map((o) => h("option", { value: o.value, text: o.label })));
      }
      if (position && document.activeElement !== els.tableSelect) els.tableSelect.value = String(position.table_id);
      els.start.textContent = position ? t("restitution.go_table") : t("restitution.start");
      setBlocked(els.start, blocked);
      show(els.stop, Boolean(position));
      setBlocked(els.stop, blocked);
    }

    const prev = position ? neighbour(store, position, -1, lead ? null : scope) : null;
    const next = position ? neighbour(store, position, 1, lead ? null : scope) : null;
    setBlocked(els.prev, blocked || !driving || !prev);
    setBlocked(els.next, blocked || !driving || !next);
    show(els.prev.parentElement, Boolean(position));

    const spotBlocked = !connected || busy.has("spotlight");
    const target = defaultTarget(store, position);
    const lit = target && isSpotlit(store, target.kind, target.id);
    els.spot.textContent = t("restitution.spotlight_this");
    setBlocked(els.spot, spotBlocked || !target || !driving);
    show(els.spot, Boolean(position) && !lit); // once it is on screen, "clear" is the button to press
    const item = spotlightItem(store);
    setBlocked(els.clear, spotBlocked || !store.workshop.spotlight || !driving);
    show(els.clear, Boolean(store.workshop.spotlight) || Boolean(position));
    els.current.textContent = item
      ? t("restitution.current", { text: truncate(item.kind === "idea" ? item.idea.text : item.group.label, 80) })
      : "";
    show(els.current, Boolean(item));

    renderItems(position, { spotBlocked });
    els.hint.textContent = hintOf(position, driving);
    show(els.hint, Boolean(els.hint.textContent));
  }

  function hintOf(position, driving) {
    if (!lead && !driving) {
      return position
        ? t("restitution.not_your_turn", { n: store.tableById(position.table_id).number })
        : t("restitution.wait_turn");
    }
    if (position && lead) return t("restitution.keys_hint");
    return "";
  }

  function renderItems(position, { spotBlocked }) {
    const entries = [];
    if (position && canSpotlight(store, scope, position.table_id)) {
      const stepName = STEPS[position.step];
      if (stepName === "groups") {
        for (const { group, count } of groupsStep(store, position.table_id).groups) {
          entries.push({ kind: "group", id: group.id, text: group.label, meta: t.plural("projector.ideas", count) });
        }
      } else if (stepName === "votes") {
        for (const row of voteStep(store, position.table_id).rows) {
          entries.push({
            kind: row.kind,
            id: row.id,
            text: rowLabel(store, row, t),
            meta: `${row.rank}. ${t.plural("votes.dots", row.votes)}${row.tied ? ` · ${t("votes.ex_aequo")}` : ""}`,
          });
        }
      }
    }
    const sig = JSON.stringify([entries, entries.map((e) => isSpotlit(store, e.kind, e.id)), spotBlocked]);
    if (els.items._sig === sig) return;
    els.items._sig = sig;
    const focused =
      document.activeElement && els.items.contains(document.activeElement)
        ? document.activeElement.dataset.spotId
        : null;
    els.items.replaceChildren(
      ...entries.map((entry) => {
        const lit = isSpotlit(store, entry.kind, entry.id);
        const name = truncate(entry.text, 40);
        return h(
          "li",
          { class: "remote-item", dataset: { kind: entry.kind } },
          h(
            "span",
            { class: "remote-item-text" },
            h("span", { text: truncate(entry.text, 120) }),
            h("span", { class: "remote-item-meta", text: entry.meta }),
          ),
          h(
            "button",
            {
              type: "button",
              class: `btn ${lit ? "btn-primary" : "btn-secondary"} remote-item-spot`,
              dataset: { spotKind: entry.kind, spotId: entry.id },
              "aria-pressed": String(lit),
              "aria-disabled": spotBlocked ? "true" : null,
              // The visible word starts the accessible name (WCAG 2.5.3, axe label-content-name-mismatch);
              // the item's text follows for screen readers, aria-pressed tells whether it is on screen.
            },
            lit ? t("restitution.spotlit") : t("restitution.spotlight"),
            h("span", { class: "visually-hidden", text: ` : ${name}` }),
          ),
        );
      }),
    );
    show(els.items, entries.length > 0);
    if (focused) {
      const again = els.items.querySelector(`[data-spot-id="${CSS.escape(focused)}"]`);
      if (again) again.focus();
    }
  }

  return { update };
}
