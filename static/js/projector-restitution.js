/**
 * The projector's plenary restitution (docs/morning.md, "Plenary
 * restitution"): while store.workshop.restitution is set, the boards give way
 * to one table at a time, step by step (theme, groups with their idea
 * counts, top-voted items), and a spotlit idea or group fills the whole
 * screen over everything else. Read-only: the facilitator's console or
 * remote drives it. A step is rebuilt only when what it shows changed, with
 * a short fade (none when the system asks for reduced motion).
 */
import { h } from "./dom.js";
import { accent } from "./staff-ui.js";
import { voteChart, rowLabel } from "./vote-chart.js";
import { STEPS, currentPosition, groupsStep, voteStep, spotlightItem } from "./restitution.js";

/** els: {section, spotlight} (the #restitution and #spotlight elements). */
export function mountProjectorRestitution(els, { store, t }) {
  function update() {
    const position = currentPosition(store);
    document.body.dataset.restitution = position ? "on" : "off";
    renderWalk(els.section, position, { store, t });
    renderSpotlight(els.spotlight, { store, t });
  }
  /** Show page `index` of the current step's list (the pages turn with the boards' rotation). */
  function turn(index) {
    showListPage(els.section, index, t);
  }
  return { update, turn };
}

// -- pages: a step's list (groups, ranked rows) never cut -------------------------

function overflows(box) {
  return box.scrollHeight > box.clientHeight + 1 || box.scrollWidth > box.clientWidth + 1;
}

/** Cut the step's list into pages that fit the body (greedy, in order). */
function paginateList(root, t) {
  const body = root.querySelector(".restitution-body");
  const list = body && body.querySelector(".restitution-groups, .restitution-chart");
  root._pages = [];
  root._rows = list ? [...list.children] : [];
  const rows = root._rows;
  if (!rows.length) return showListPage(root, 0, t);
  for (const row of rows) row.hidden = true;
  let start = 0;
  while (start < rows.length) {
    for (let i = 0; i < start; i += 1) rows[i].hidden = true;
    rows[start].hidden = false;
    let end = start + 1;
    while (end < rows.length) {
      rows[end].hidden = false;
      if (overflows(body)) {
        rows[end].hidden = true;
        break;
      }
      end += 1;
    }
    root._pages.push([start, end]);
    start = end;
  }
  return showListPage(root, 0, t);
}

function showListPage(root, index, t) {
  const pages = root._pages && root._pages.length ? root._pages : [[0, (root._rows || []).length]];
  const n = pages.length;
  const page = ((index % n) + n) % n;
  const [start, end] = pages[page];
  (root._rows || []).forEach((row, i) => {
    row.hidden = i < start || i >= end;
  });
  const indicator = root.querySelector(".restitution-page");
  if (indicator) {
    indicator.textContent = n > 1 ? t("projector.page", { n: page + 1, total: n }) : "";
    indicator.hidden = n <= 1;
  }
  root.dataset.page = String(page + 1);
  root.dataset.pages = String(n);
}

function renderWalk(root, position, ctx) {
  if (!root) return;
  root.hidden = !position;
  if (!position) {
    root.dataset.sig = "";
    return;
  }
  const { store, t } = ctx;
  const table = store.tableById(position.table_id);
  const index = store.tables.indexOf(table);
  const step = STEPS[position.step];
  const content = stepContent(step, table, ctx);
  const sig = JSON.stringify([table.id, table.number, table.theme, step, content.sig]);
  const size = `${root.clientWidth}x${root.clientHeight}`;
  if (root.dataset.sig === sig && root.dataset.size === size) return;
  root.dataset.size = size;
  const sameStep = root.dataset.at === `${table.id}:${step}`;
  root.dataset.sig = sig;
  root.dataset.at = `${table.id}:${step}`;
  root.dataset.step = step;
  root.dataset.accent = accent(table);
  root.replaceChildren(
    h(
      "header",
      { class: "restitution-head" },
      h("span", { class: "restitution-chip", text: t("common.table_number", { n: table.number }) }),
      h("span", {
        class: "restitution-where",
        text: t("restitution.progress", { n: index + 1, total: store.tables.length }),
      }),
      h("span", { class: "restitution-page", hidden: true }),
      h(
        "ol",
        { class: "restitution-steps", "aria-label": t("restitution.steps_label") },
        STEPS.map((name, i) =>
          h("li", {
            class: "restitution-step",
            dataset: { state: i < position.step ? "done" : i === position.step ? "current" : "next" },
            "aria-current": i === position.step ? "step" : null,
            text: t(`restitution.step_${name}`),
          }),
        ),
      ),
    ),
    h("div", { class: `restitution-body${sameStep ? "" : " is-entering"}`, dataset: { step } }, content.nodes),
  );
  paginateList(root, t);
}

function stepContent(step, table, { store, t }) {
  if (step === "groups") {
    const summary = groupsStep(store, table.id);
    const sig = [summary.unsorted, summary.groups.map((e) => [e.group.id, e.group.label, e.count])];
    const cards = summary.groups.map((entry) =>
      h(
        "li",
        { class: "restitution-group", dataset: { groupId: entry.group.id } },
        h("span", { class: "restitution-group-label", text: entry.group.label }),
        h("span", { class: "restitution-group-count", text: t.plural("projector.ideas", entry.count) }),
      ),
    );
    if (summary.unsorted) {
      cards.push(
        h(
          "li",
          { class: "restitution-group is-unsorted" },
          h("span", { class: "restitution-group-label", text: t("projector.unsorted") }),
          h("span", { class: "restitution-group-count", text: t.plural("projector.ideas", summary.unsorted) }),
        ),
      );
    }
    return {
      sig,
      nodes: [
        h("h2", { class: "restitution-title", text: table.theme }),
        cards.length
          ? h("ul", { class: "restitution-groups", dataset: { count: String(Math.min(cards.length, 12)) } }, cards)
          : h("p", { class: "restitution-empty", text: t("restitution.no_ideas") }),
      ],
    };
  }
  if (step === "votes") {
    const result = voteStep(store, table.id);
    const label = (row) => rowLabel(store, row, t);
    const sig = [result.state, result.rows.map((row) => [row.id, row.votes, row.rank, row.tied, label(row)])];
    let body;
    if (result.state === "hidden")
      body = h("p", { class: "restitution-empty restitution-hidden-votes", text: t("restitution.votes_hidden") });
    else if (result.state === "empty") body = h("p", { class: "restitution-empty", text: t("restitution.no_votes") });
    else body = voteChart(result.rows, { label, t, limit: 10, className: "vote-chart restitution-chart" });
    return {
      sig,
      nodes: [h("h2", { class: "restitution-title", text: t("restitution.top_title", { theme: table.theme }) }), body],
    };
  }
  // theme
  const summary = groupsStep(store, table.id);
  const facilitator = table.facilitator || {};
  const by = facilitator.name
    ? facilitator.organisation
      ? t("projector.facilitated_by_org", { name: facilitator.name, organisation: facilitator.organisation })
      : t("projector.facilitated_by", { name: facilitator.name })
    : "";
  const counts = [
    t.plural("projector.ideas", summary.ideas),
    t.plural("restitution.groups", summary.groups.length),
  ].join(" · ");
  return {
    sig: [table.question, by, counts],
    nodes: [
      h("h2", { class: "restitution-theme", text: table.theme }),
      table.question ? h("p", { class: "restitution-question", text: table.question }) : null,
      by ? h("p", { class: "restitution-by", text: by }) : null,
      h("p", { class: "restitution-counts", text: counts }),
    ],
  };
}

function renderSpotlight(root, { store, t }) {
  if (!root) return;
  const item = spotlightItem(store);
  root.hidden = !item;
  document.body.dataset.spotlight = item ? item.kind : "none";
  if (!item) {
    root.dataset.sig = "";
    return;
  }
  const showAuthors = store.workshop.show_authors !== false;
  let sig;
  let nodes;
  let table;
  if (item.kind === "idea") {
    const { idea, group } = item;
    table = store.tableById(idea.table_id);
    const author =
      showAuthors && idea.author ? [idea.author.first_name, idea.author.organisation].filter(Boolean).join(" · ") : "";
    const coauthors = showAuthors
      ? (idea.merged || []).map((m) => m.author && m.author.first_name).filter(Boolean)
      : [];
    sig = ["idea", idea.id, idea.text, author, coauthors, group && group.label];
    nodes = [
      group ? h("p", { class: "spotlight-kicker", text: group.label }) : null,
      h("blockquote", { class: "spotlight-text", dataset: { size: sizeOf(idea.text) }, text: idea.text }),
      author
        ? h("p", { class: "spotlight-author", text: coauthors.length ? `${author} + ${coauthors.join(", ")}` : author })
        : null,
    ];
  } else {
    const { group, ideas } = item;
    table = store.tableById(group.table_id);
    const shown = ideas.slice(0, 6);
    sig = ["group", group.id, group.label, ideas.length, shown.map((i) => i.text)];
    nodes = [
      h("p", { class: "spotlight-kicker", text: t("restitution.spotlight_group") }),
      h("h2", { class: "spotlight-text spotlight-label", dataset: { size: sizeOf(group.label) }, text: group.label }),
      h("p", { class: "spotlight-count", text: t.plural("projector.ideas", ideas.length) }),
      shown.length
        ? h(
            "ul",
            { class: "spotlight-ideas" },
            shown.map((i) => h("li", { text: i.text })),
          )
        : null,
      ideas.length > shown.length
        ? h("p", { class: "spotlight-more", text: t.plural("projector.more", ideas.length - shown.length) })
        : null,
    ];
  }
  sig = JSON.stringify([sig, table && table.id, showAuthors]);
  if (root.dataset.sig === sig) return;
  root.dataset.sig = sig;
  root.dataset.kind = item.kind;
  root.dataset.accent = table ? accent(table) : "1";
  root.replaceChildren(
    h(
      "div",
      { class: "spotlight-card" },
      table
        ? h("p", {
            class: "spotlight-table",
            text: `${t("common.table_number", { n: table.number })} · ${table.theme}`,
          })
        : null,
      nodes,
    ),
  );
}

/** A size class for a text: long texts get a smaller (still large) type. */
function sizeOf(text) {
  const n = String(text || "").length;
  return n <= 60 ? "xl" : n <= 140 ? "l" : "m";
}
