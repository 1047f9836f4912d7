/**
 * The facilitator console: open/close joining and posting, choose what the
 * projector shows, hide and restore ideas. Every change comes back as an
 * event; a refused command shows its message in the alert area.
 */
import { readConfig, h, makeT, reconcile, show, formatTime, makeMessageArea } from "./dom.js";
import { startStaffPage } from "./staff-page.js";

const config = readConfig();
const t = makeT(config.strings || {}, config.lang);
const $ = (id) => document.getElementById(id);

const message = makeMessageArea();
const busy = new Set(); // keys of commands in flight: "joining", "view", "posting:<id>", "idea:<id>"
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

/** Send a command once at a time per key; show the message of a refusal. */
async function run(key, name, payload) {
  if (busy.has(key) || !store.loaded) return null;
  busy.add(key);
  render();
  const ack = await live.command(name, payload);
  busy.delete(key);
  if (ack.ok) message.clear();
  else message.show(ack.message || t("errors.generic"));
  render();
  return ack;
}

els.joining.addEventListener("click", () => {
  run("joining", "set_joining", { open: !store.workshop.joining_open });
});

els.view.addEventListener("change", async () => {
  const value = els.view.value;
  const ack = await run("view", "set_projector_view", { view: value === "all" ? "all" : Number(value) });
  if (!ack || !ack.ok) els.view.value = String(store.projectorView());
});

els.boards.addEventListener("click", (event) => {
  const button = event.target.closest("button");
  if (!button) return;
  if (button.classList.contains("posting-toggle")) {
    const tableId = Number(button.dataset.tableId);
    const table = store.tableById(tableId);
    if (table) run(`posting:${tableId}`, "set_posting", { table_id: tableId, open: !table.posting_open });
    return;
  }
  const item = button.closest(".idea");
  if (!item) return;
  const id = item.dataset.ideaId;
  if (button.classList.contains("hide-idea")) run(`idea:${id}`, "hide_idea", { id });
  else if (button.classList.contains("restore-idea")) run(`idea:${id}`, "restore_idea", { id });
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
  reconcile(els.boards, store.tables, {
    keyOf: (table) => String(table.id),
    sigOf: () => "board", // updated in place below
    build: buildBoard,
  });
  for (const table of store.tables) updateBoard(els.boards._keyed.get(String(table.id)), table, connected);
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
    store.tables.map((table) => ({ value: String(table.id), label: `${t("common.table_number", { n: table.number })} · ${table.theme}` })),
  );
  reconcile(els.view, options, {
    keyOf: (option) => option.value,
    sigOf: (option) => option.label,
    build: (option) => h("option", { value: option.value, text: option.label }),
  });
  if (!busy.has("view")) els.view.value = String(store.projectorView());

  const total = store.participants.size;
  const unseated = [...store.participants.values()].filter((p) => p.table_id === null || p.table_id === undefined).length;
  els.participants.textContent =
    t.plural("console.participants", total) + (unseated ? ` (${t.plural("console.unseated", unseated)})` : "");
  els.ideas.textContent = t.plural("console.ideas", [...store.ideas.values()].filter((i) => i.state === "visible").length);
}

function buildBoard(table) {
  const themeId = `board-theme-${table.id}`;
  return h(
    "section",
    { class: "board", dataset: { tableId: String(table.id), accent: accent(table) }, "aria-labelledby": themeId },
    h(
      "header",
      { class: "board-head" },
      h("p", { class: "board-number" }),
      h("h2", { class: "board-theme", id: themeId }),
      h("p", { class: "board-question" }),
      h("p", { class: "board-facilitator" }),
      h(
        "p",
        { class: "board-stats" },
        h("span", { class: "board-participants" }),
        h("span", { class: "board-idea-count" }),
        h("span", { class: "board-hidden-count" }),
      ),
      h(
        "div",
        { class: "board-controls" },
        h("span", { class: "posting-state badge" }),
        h("button", { type: "button", class: "btn posting-toggle", dataset: { tableId: String(table.id) } }),
      ),
      h(
        "div",
        { class: "board-join" },
        h("img", { class: "board-qr", alt: t("console.qr_alt", { n: table.number }), width: "96", height: "96" }),
        h(
          "p",
          { class: "board-join-text" },
          h("span", { class: "board-join-label", text: t("console.join_link") }),
          h("a", { class: "board-join-url", target: "_blank", rel: "noopener" }),
        ),
      ),
    ),
    h("ol", { class: "board-ideas" }),
    h("p", { class: "board-empty", text: t("console.no_ideas") }),
  );
}

function updateBoard(board, table, connected) {
  const ideas = store.ideasOf(table.id);
  const visible = ideas.filter((idea) => idea.state === "visible").length;
  const hidden = ideas.length - visible;
  const open = Boolean(table.posting_open);
  const q = (selector) => board.querySelector(selector);

  setText(q(".board-number"), t("common.table_number", { n: table.number }));
  setText(q(".board-theme"), table.theme);
  setText(q(".board-question"), table.question || "");
  const f = table.facilitator && table.facilitator.name ? table.facilitator : null;
  setText(q(".board-facilitator"), f ? t(f.organisation ? "console.facilitated_by_org" : "console.facilitated_by", f) : "");
  show(q(".board-facilitator"), Boolean(f));
  setText(q(".board-participants"), t.plural("console.participants", store.participantCount(table.id)));
  setText(q(".board-idea-count"), t.plural("console.ideas", visible));
  setText(q(".board-hidden-count"), hidden ? t.plural("console.hidden_count", hidden) : "");
  show(q(".board-hidden-count"), hidden > 0);

  const state = q(".posting-state");
  setText(state, open ? t("console.posting_open") : t("console.posting_closed"));
  state.dataset.open = String(open);
  const toggle = q(".posting-toggle");
  setText(toggle, open ? t("console.close_posting") : t("console.open_posting"));
  toggle.setAttribute("aria-pressed", String(open));
  toggle.dataset.open = String(open);
  setBlocked(toggle, !connected || busy.has(`posting:${table.id}`));
  board.dataset.posting = open ? "open" : "closed";

  const qr = q(".board-qr");
  if (table.qr_url && qr.getAttribute("src") !== table.qr_url) qr.setAttribute("src", table.qr_url);
  const link = q(".board-join-url");
  if (table.join_url && link.getAttribute("href") !== table.join_url) {
    link.setAttribute("href", table.join_url);
    link.textContent = table.join_url.replace(/^https?:\/\//, "");
  }

  show(q(".board-empty"), ideas.length === 0);
  reconcile(q(".board-ideas"), ideas, {
    keyOf: (idea) => idea.id,
    sigOf: (idea) =>
      JSON.stringify([idea.text, idea.state, idea.updated_at, idea.author, connected, busy.has(`idea:${idea.id}`)]),
    build: (idea) => buildIdea(idea, connected),
  });
}

function buildIdea(idea, connected) {
  const author = idea.author || {};
  const hidden = idea.state === "hidden";
  const who = [author.first_name, author.organisation].filter(Boolean).join(" · ");
  const time = formatTime(idea.created_at, config.lang);
  const edited = idea.updated_at && idea.updated_at !== idea.created_at;
  const action = hidden ? "restore-idea" : "hide-idea";
  return h(
    "li",
    { class: `idea${hidden ? " is-hidden" : ""}`, dataset: { ideaId: idea.id, state: idea.state } },
    h("p", { class: "idea-text", text: idea.text }),
    h(
      "p",
      { class: "idea-meta" },
      h("span", { class: "idea-author", text: who }),
      time ? h("time", { datetime: idea.created_at, text: time }) : null,
      edited ? h("span", { class: "idea-edited", text: t("console.edited") }) : null,
      hidden ? h("span", { class: "badge badge-hidden", text: t("console.hidden_label") }) : null,
    ),
    h(
      "button",
      {
        type: "button",
        class: `btn btn-small ${hidden ? "btn-quiet" : "btn-warn"} ${action}`,
        "data-focus": "moderate",
        "aria-disabled": !connected || busy.has(`idea:${idea.id}`) ? "true" : null,
      },
      hidden ? t("console.restore") : t("console.hide"),
      h("span", { class: "visually-hidden", text: ` ${t("console.idea_of", { name: author.first_name || "" })}` }),
    ),
  );
}

/**
 * Mark a button unusable without disabling it: a disabled button drops the
 * keyboard focus, aria-disabled keeps it (clicks are ignored by run()).
 */
function setBlocked(button, blocked) {
  if (blocked) button.setAttribute("aria-disabled", "true");
  else button.removeAttribute("aria-disabled");
}

function setText(el, text) {
  if (el && el.textContent !== text) el.textContent = text;
}

function accent(table) {
  return String(((Number(table.number) || 1) - 1) % 6 + 1);
}
