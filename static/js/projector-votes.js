/**
 * The projector's voting results: for each shown table whose results the
 * room may see (revealed, or the workshop shows them live), a ranked bar
 * chart. The projector never receives a hidden tally (docs/protocol.md).
 */
import { h } from "./dom.js";
import { visibleTally } from "./votes-state.js";
import { voteChart, rowLabel } from "./vote-chart.js";

export function renderVoteResults(root, { store, t, view }) {
  if (!root) return;
  const panels = [];
  for (const table of store.tables) {
    if (view !== "all" && view !== table.id) continue;
    const tally = visibleTally(store, table.id);
    if (!tally) continue;
    panels.push(h("section", { class: "vote-panel", dataset: { tableId: String(table.id) } },
      h("h2", { class: "vote-panel-title", text: `${t("common.table_short", { n: table.number })} · ${table.theme}` }),
      tally.length ? voteChart(tally, { label: (row) => rowLabel(store, row, t), t })
        : h("p", { class: "empty", text: t("votes.empty") })));
  }
  const signature = JSON.stringify(panels.map((p) => p.textContent));
  root.hidden = panels.length === 0;
  document.body.dataset.results = panels.length ? "on" : "off"; // the results take the boards' place (votes.css)
  if (root.dataset.signature === signature) return;
  root.dataset.signature = signature;
  root.replaceChildren(...panels);
}
