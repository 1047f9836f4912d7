/**
 * A ranked horizontal bar chart of a table's dot-voting results (pure DOM,
 * no library): one row per item, longest bar first, ties shown with the same
 * rank and "ex aequo". Shared by the projector and the console.
 */
import { h } from "./dom.js";

/** Label of a tally row from a staff store (idea text or group label). */
export function rowLabel(store, row, t) {
  if (row.kind === "group") {
    const group = store.groupById(row.id);
    return group ? group.label : t("votes.gone");
  }
  const idea = store.ideas.get(row.id);
  return idea ? idea.text : t("votes.gone");
}

/** Build the chart of `tally` rows (at most `limit`). */
export function voteChart(tally, { label, t, limit = 10, className = "vote-chart" }) {
  const rows = tally.slice(0, limit);
  const max = Math.max(1, ...rows.map((row) => row.votes));
  return h(
    "ol",
    { class: className },
    rows.map((row) => {
      const bar = h("span", { class: "vote-bar", "aria-hidden": "true" });
      bar.style.width = `${Math.round((row.votes / max) * 100)}%`; // CSSOM: allowed by the CSP
      return h(
        "li",
        { class: "vote-row", dataset: { rank: String(row.rank), tied: String(Boolean(row.tied)), id: row.id } },
        h("span", { class: "vote-rank", text: String(row.rank) }),
        h(
          "span",
          { class: "vote-main" },
          h("span", { class: "vote-label", text: label(row) }),
          h("span", { class: "vote-track" }, bar),
        ),
        h(
          "span",
          { class: "vote-count" },
          t.plural("votes.dots", row.votes),
          row.tied ? h("span", { class: "vote-tie", text: ` · ${t("votes.ex_aequo")}` }) : null,
        ),
      );
    }),
  );
}
