/**
 * The console's dot-voting controls: per table, open/close voting, reveal or
 * hide the results, and the live counts with a ranked chart. Live counts
 * reach facilitators only, through the unlogged `votes_live` message and the
 * `get_votes` command (docs/protocol.md, "Dot voting"); the logged state
 * (store.votes) only holds what the room may see.
 */
import { h } from "./dom.js";
import { voteChart, rowLabel } from "./vote-chart.js";
import { mountVoteSettings } from "./console-vote-settings.js";

export function mountConsoleVotes(root, { store, live, t, run, busy, schedule, scope }) {
  const counts = new Map(); // table id -> {dots, voters, tally}
  // built once: the title, the rules (a form for the lead, console-vote-settings.js), then one card per table
  const settingsBox = h("div", { class: "vote-settings-box" });
  const rowsBox = h("div", { class: "vote-console-tables" });
  root.replaceChildren(h("h2", { text: t("votes.console_title") }), settingsBox, rowsBox);
  const settings = mountVoteSettings(settingsBox, { store, t, run, busy, lead: scope == null });

  async function refresh() {
    const ack = await live.command("get_votes", {});
    if (ack.ok && ack.live) {
      for (const [id, value] of Object.entries(ack.live)) counts.set(Number(id), value);
      schedule();
    }
  }
  live.socket.on("votes_live", (data) => {
    if (data && typeof data.table_id === "number") {
      counts.set(data.table_id, data);
      schedule();
    }
  });
  live.subscribe((kind) => {
    if (kind === "synced") refresh();
  });

  function update(connected) {
    if (!store.loaded) return;
    const dots =
      [...counts.values()].some((entry) => (entry.dots || 0) > 0) ||
      [...store.votes.values()].some((entry) => (entry.dots || 0) > 0);
    settings.update(connected, dots);
    const rows = store.tables
      .filter((table) => scope == null || table.id === scope)
      .map((table) => {
        const entry = counts.get(table.id) || store.votes.get(table.id) || { dots: 0, voters: 0, tally: null };
        const shown = Boolean(table.votes_revealed || (store.voteSettings && store.voteSettings.live));
        const openKey = `voting:${table.id}`;
        const revealKey = `reveal:${table.id}`;
        return h(
          "section",
          { class: "vote-console", dataset: { tableId: String(table.id) } },
          h("h3", { text: `${t("common.table_short", { n: table.number })} · ${table.theme}` }),
          h(
            "p",
            { class: "vote-console-counts", role: "status" },
            `${t.plural("votes.dots", entry.dots || 0)} · ${t.plural("votes.voters", entry.voters || 0)}`,
            shown ? "" : ` · ${t("votes.live_hidden")}`,
          ),
          h(
            "div",
            { class: "vote-console-actions" },
            h("button", {
              type: "button",
              class: "btn btn-secondary",
              dataset: { action: "voting" },
              "aria-pressed": String(Boolean(table.voting_open)),
              disabled: !connected || busy.has(openKey),
              text: table.voting_open ? t("votes.close") : t("votes.open"),
              on: { click: () => run(openKey, "set_voting", { table_id: table.id, open: !table.voting_open }) },
            }),
            h("button", {
              type: "button",
              class: "btn btn-secondary",
              dataset: { action: "reveal" },
              "aria-pressed": String(Boolean(table.votes_revealed)),
              disabled: !connected || busy.has(revealKey),
              text: table.votes_revealed ? t("votes.unreveal") : t("votes.reveal"),
              on: {
                click: () => run(revealKey, "reveal_votes", { table_id: table.id, revealed: !table.votes_revealed }),
              },
            }),
          ),
          entry.tally && entry.tally.length
            ? voteChart(entry.tally, {
                label: (row) => rowLabel(store, row, t),
                t,
                className: "vote-chart vote-chart-small",
              })
            : null,
        );
      });
    const focusedAction =
      document.activeElement && rowsBox.contains(document.activeElement)
        ? [document.activeElement.closest("[data-table-id]")?.dataset.tableId, document.activeElement.dataset.action]
        : null;
    rowsBox.replaceChildren(...rows);
    if (focusedAction) {
      const again = rowsBox.querySelector(`[data-table-id="${focusedAction[0]}"] [data-action="${focusedAction[1]}"]`);
      if (again) again.focus();
    }
  }

  return { update, refresh };
}
