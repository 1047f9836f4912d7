/**
 * The projector's voting results: for each shown table whose results the
 * room may see (revealed, or the workshop shows them live), a ranked bar
 * chart. The projector never receives a hidden tally (docs/protocol.md).
 */
import { h } from "./dom.js";
import { visibleTally } from "./votes-state.js";
import { voteChart, rowLabel } from "./vote-chart.js";
import { accent } from "./staff-ui.js";

/** Ranked rows per table: five side by side (readable at 10 m), ten for one table alone. */
const ROWS_ALL = 5;
const ROWS_ONE = 10;

export function renderVoteResults(root, { store, t, view }) {
  if (!root) return;
  const panels = [];
  for (const table of store.tables) {
    if (view !== "all" && view !== table.id) continue;
    const tally = visibleTally(store, table.id);
    if (!tally) continue;
    const panel = h(
      "section",
      { class: "vote-panel", dataset: { tableId: String(table.id) } },
      h(
        "h2",
        { class: "vote-panel-title" },
        h("span", { class: "vote-panel-chip", text: t("common.table_number", { n: table.number }) }),
        h("span", { class: "vote-panel-theme", text: table.theme }),
      ),
      tally.length
        ? voteChart(tally, { label: (row) => rowLabel(store, row, t), t, limit: view === "all" ? ROWS_ALL : ROWS_ONE })
        : h("p", { class: "empty", text: t("votes.empty") }),
    );
    panel.style.setProperty("--accent", `var(--accent-${accent(table)})`); // CSSOM: allowed by the CSP
    panels.push(panel);
  }
  const signature = JSON.stringify(panels.map((p) => p.textContent));
  root.hidden = panels.length === 0;
  document.body.dataset.results = panels.length ? "on" : "off"; // the results take the boards' place (votes.css)
  if (root.dataset.signature === signature) return;
  root.dataset.signature = signature;
  root.replaceChildren(...panels);
}
