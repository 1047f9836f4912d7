/**
 * The participant's phone page: choose a table, post ideas (queued offline),
 * edit or withdraw them, read the table's other ideas.
 */
import { readConfig, h, makeT, makeScheduler, reconcile, show, makeMessageArea } from "./dom.js";
import { connectLive, bindConnStatus } from "./live.js";
import { createParticipantStore } from "./participant-state.js";
import { PendingQueue } from "./pending.js";
import { buildMyIdea, buildTableIdea, counterText, coAuthorsOf } from "./participant-ideas.js";
import { FOCUS_IDEA_KEY, readToken, forgetIdentity } from "./identity.js";
import { attachClock } from "./timer.js";
import { mountParticipantBanner } from "./phase-ui.js";
import { mountVoting } from "./participant-votes.js";
import { makeAnnouncer } from "./participant-announce.js";

const config = readConfig();
const t = makeT(config.strings || {}, config.lang);
// Spoken changes of my ideas and of posting (a polite live region, participant-announce.js).
const announce = makeAnnouncer(document.getElementById("status-live"), t);
const $ = (id) => document.getElementById(id);

if (!readToken(config.code)) {
  location.replace(config.join_url);
} else {
  start();
}

function start() {
  const store = createParticipantStore();
  const queue = new PendingQueue(config.code);
  const message = makeMessageArea();
  const ui = {
    choosing: false, // the table list is open although a table is chosen
    joiningTable: false,
    editing: new Map(), // idea id -> draft text
    confirming: new Set(), // idea ids waiting for "really withdraw?"
    busy: new Set(), // idea ids with an edit/withdraw in flight
  };
  const els = {
    loading: $("loading"),
    chooser: $("table-chooser"),
    tableList: $("table-list"),
    chooserNote: $("chooser-note"),
    cancelChange: $("cancel-change-table"),
    view: $("table-view"),
    number: $("table-number"),
    theme: $("table-theme"),
    question: $("table-question"),
    me: $("me-line"),
    form: $("idea-form"),
    text: $("idea-text"),
    counter: $("idea-counter"),
    post: $("post-button"),
    closed: $("posting-closed"),
    myIdeas: $("my-ideas"),
    myEmpty: $("my-ideas-empty"),
    tableIdeas: $("table-ideas"),
    tableEmpty: $("table-ideas-empty"),
    changeTable: $("change-table"),
    pendingCount: $("pending-count"),
  };

  const live = connectLive({
    auth: () => ({ role: "participant", token: readToken(config.code), lang: config.lang }),
    store,
    t,
    onUnauthorized: () => {
      // The token no longer names a participant (e.g. a new database): join again.
      forgetIdentity(config.code);
      location.replace(config.join_url);
    },
  });
  bindConnStatus($("conn-status"), live, t);
  // A facilitator moved us (move_participant, assign_tables, rotate_tables): load the new table.
  let movedTo = null;
  live.socket.on("moved", (data) => {
    movedTo = data && typeof data.table_id === "number" ? data.table_id : null;
    live.resync(0);
  });
  // "What to do now" and the countdown, on the server's clock (phase-ui.js).
  const banner = mountParticipantBanner($("phase-banner"), { store, clock: attachClock(live), t });

  let voting = null;
  const render = () => {
    renderPage(store, queue, ui, els, live);
    banner.update();
    if (voting) voting.update();
  };
  const schedule = makeScheduler(render);
  // Dot voting (participant-votes.js), shown while voting is open at the table.
  voting = mountVoting($("voting"), { store, live, t, message, schedule });

  let retryTimer = null;
  const flush = async () => {
    if (!live.synced || !store.table()) return;
    clearTimeout(retryTimer);
    const stalled = await queue.flush((item) => live.command("post_idea", { id: item.id, text: item.text }), {
      onSent: (_item, ack) => {
        if (ack.idea) store.acceptOwnIdea(ack.idea);
        schedule();
      },
      onFailed: (_item, ack) => message.show(ack.message || t("errors.generic")),
    });
    // A lost ack on a live connection: try again soon (a reconnect also flushes).
    if (stalled && live.status === "connected") retryTimer = setTimeout(flush, 5000);
  };

  live.subscribe((kind) => {
    if (kind === "state") {
      // An idea the server already has is no longer pending (its ack was lost).
      for (const item of queue.list()) if (store.myIdeas.has(item.id)) queue.remove(item.id);
    }
    if (kind === "synced") flush();
    if (kind === "synced" && movedTo !== null && store.me && store.me.table_id === movedTo) {
      const table = store.table();
      movedTo = null;
      ui.choosing = false;
      if (table) message.show(t("tables.moved_notice", { n: table.number, theme: table.theme }));
    }
    schedule();
  });
  queue.subscribe(schedule);
  window.addEventListener("storage", (event) => {
    if (event.key === queue.key) schedule(); // another tab of the same workshop
  });

  // -- posting ---------------------------------------------------------------
  els.text.addEventListener("input", () => renderComposer(store, els));
  els.text.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) els.form.requestSubmit();
  });
  els.form.addEventListener("submit", (event) => {
    event.preventDefault();
    const text = els.text.value.trim();
    const table = store.table();
    if (!text || !table || !table.posting_open) return;
    if (text.length > store.limits.idea_max_length) {
      message.show(t("errors.text_too_long", { max: store.limits.idea_max_length }));
      return;
    }
    queue.add(text); // stored before anything is sent
    els.text.value = "";
    message.clear();
    render();
    els.text.focus();
    flush();
  });

  // -- my ideas: edit, withdraw, retry, delete ----------------------------------
  els.myIdeas.addEventListener("click", (event) => {
    const button = event.target.closest("button");
    const item = button && button.closest(".idea");
    if (!item) return;
    const id = item.dataset.ideaId;
    const kind = button.classList;
    if (kind.contains("edit-idea")) {
      const idea = store.myIdeas.get(id);
      if (idea) ui.editing.set(id, idea.text);
      render();
      const field = els.myIdeas.querySelector(`.idea[data-idea-id="${CSS.escape(id)}"] .edit-text`);
      if (field) field.focus();
    } else if (kind.contains("cancel-edit")) {
      ui.editing.delete(id);
      render();
    } else if (kind.contains("withdraw-idea")) {
      ui.confirming.add(id);
      render();
    } else if (kind.contains("cancel-withdraw")) {
      ui.confirming.delete(id);
      render();
    } else if (kind.contains("confirm-withdraw")) {
      withdraw(id);
    } else if (kind.contains("retry-idea")) {
      queue.retry(id);
      message.clear();
      flush();
    } else if (kind.contains("delete-idea")) {
      queue.remove(id);
    }
  });
  els.myIdeas.addEventListener("input", (event) => {
    if (!event.target.classList.contains("edit-text")) return;
    const id = event.target.closest(".idea").dataset.ideaId;
    ui.editing.set(id, event.target.value);
    const counter = event.target.closest(".idea-edit").querySelector(".edit-counter");
    counter.textContent = counterText(event.target.value, store.limits.idea_max_length, t);
  });
  els.myIdeas.addEventListener("submit", (event) => {
    event.preventDefault();
    const id = event.target.closest(".idea").dataset.ideaId;
    saveEdit(id);
  });

  async function saveEdit(id) {
    const text = (ui.editing.get(id) || "").trim();
    if (!text) {
      message.show(t("errors.empty_text"));
      return;
    }
    ui.busy.add(id);
    render();
    const ack = await live.command("edit_idea", { id, text });
    ui.busy.delete(id);
    if (ack.ok) {
      ui.editing.delete(id);
      if (ack.idea) store.acceptOwnIdea(ack.idea);
      message.clear();
    } else {
      message.show(ack.message || t("errors.generic"));
    }
    render();
  }

  async function withdraw(id) {
    ui.busy.add(id);
    render();
    const ack = await live.command("withdraw_idea", { id });
    ui.busy.delete(id);
    ui.confirming.delete(id);
    if (ack.ok) {
      store.forgetOwnIdea(id);
      message.clear();
    } else {
      message.show(ack.message || t("errors.generic"));
    }
    render();
  }

  // -- tables ----------------------------------------------------------------
  els.tableList.addEventListener("click", async (event) => {
    const button = event.target.closest("button.table-choice");
    if (!button || ui.joiningTable) return;
    const tableId = Number(button.dataset.tableId);
    if (store.me && store.me.table_id === tableId) {
      ui.choosing = false;
      render();
      return;
    }
    ui.joiningTable = true;
    render();
    const ack = await live.command("join_table", { table_id: tableId });
    ui.joiningTable = false;
    if (ack.ok) {
      ui.choosing = false;
      if (store.me) store.me.table_id = ack.me && ack.me.table_id !== undefined ? ack.me.table_id : tableId;
      store.tableIdeas.clear();
      message.clear();
      live.resync(0); // load the new table
    } else {
      message.show(ack.message || t("errors.generic"));
    }
    render();
  });
  els.changeTable.addEventListener("click", () => {
    ui.choosing = true;
    render();
    document.getElementById("chooser-title").focus();
  });
  els.cancelChange.addEventListener("click", () => {
    ui.choosing = false;
    render();
    els.changeTable.focus();
  });

  render();
}

// -- rendering -------------------------------------------------------------

function renderPage(store, queue, ui, els, live) {
  const pending = queue.count();
  els.pendingCount.hidden = pending === 0;
  els.pendingCount.textContent = t.plural("participant.pending_count", pending);

  show(els.loading, !store.loaded);
  if (!store.loaded) {
    show(els.chooser, false);
    show(els.view, false);
    return;
  }
  const table = store.table();
  const choosing = !table || ui.choosing;
  show(els.chooser, choosing);
  show(els.view, !choosing);
  if (choosing) renderChooser(store, ui, els, table);
  else renderTable(store, queue, ui, els, live, table);
}

function renderChooser(store, ui, els, current) {
  const open = store.workshop.joining_open;
  els.chooserNote.textContent = open ? "" : t("participant.joining_closed");
  show(els.chooserNote, !open);
  show(els.cancelChange, Boolean(current));
  reconcile(els.tableList, store.tables, {
    keyOf: (table) => String(table.id),
    sigOf: (table) =>
      JSON.stringify([
        table.number,
        table.theme,
        table.question,
        current && current.id === table.id,
        open,
        ui.joiningTable,
      ]),
    build: (table) => {
      const isCurrent = Boolean(current && current.id === table.id);
      return h(
        "li",
        {},
        h(
          "button",
          {
            type: "button",
            class: `table-choice${isCurrent ? " is-current" : ""}`,
            dataset: { tableId: String(table.id) },
            "aria-current": isCurrent ? "true" : null,
            disabled: (!open && !isCurrent) || ui.joiningTable,
          },
          h("span", { class: "table-choice-number", text: t("common.table_number", { n: table.number }) }),
          h("span", { class: "table-choice-theme", text: table.theme }),
          table.question ? h("span", { class: "table-choice-question", text: table.question }) : null,
          isCurrent ? h("span", { class: "table-choice-current", text: t("participant.current_table") }) : null,
        ),
      );
    },
  });
}

function renderTable(store, queue, ui, els, _live, table) {
  // Whose phone this is, at all times ("Vous : Anne · Cosmetic Valley").
  const me = store.me || {};
  els.me.textContent = me.first_name
    ? t("participant.me", { who: [me.first_name, me.organisation].filter(Boolean).join(" · ") })
    : "";
  show(els.me, Boolean(me.first_name));
  els.number.textContent = t("common.table_number", { n: table.number });
  els.theme.textContent = table.theme;
  els.question.textContent = table.question || "";
  show(els.question, Boolean(table.question));
  show(els.changeTable, store.workshop.joining_open);

  const open = Boolean(table.posting_open);
  show(els.closed, !open);
  els.text.disabled = !open;
  // Closed and nothing typed: only the notice stays (a plenary or a vote is not the time to write);
  // an unsent draft stays in view, greyed, until posting opens again.
  els.form.classList.toggle("is-collapsed", !open && els.text.value.trim() === "");
  els.text.maxLength = store.limits.idea_max_length;
  renderComposer(store, els);
  focusIdeaOnArrival(els, open);

  // My ideas: queued ones first, then the stored ones, newest first.
  const max = store.limits.idea_max_length;
  const views = [];
  const queued = queue.list().filter((item) => !store.myIdeas.has(item.id));
  for (const item of queued.reverse()) {
    views.push({
      id: item.id,
      text: item.text,
      state: item.state === "failed" ? "failed" : "pending",
      message: item.message || "",
      sending: queue.inflight.has(item.id),
      created_at: item.created_at,
      edited: false,
      canChange: false,
      otherTable: null,
      coAuthors: "",
      editing: null,
      confirming: false,
      busy: false,
      max,
    });
  }
  const mine = [...store.myIdeas.values()].sort(store.order.newestFirst);
  for (const idea of mine) {
    const ideaTable = store.tableById(idea.table_id);
    const canChange = idea.state === "visible" && Boolean(ideaTable && ideaTable.posting_open);
    if (!canChange) {
      ui.editing.delete(idea.id);
      ui.confirming.delete(idea.id);
    }
    views.push({
      id: idea.id,
      text: idea.text,
      state: idea.state === "hidden" || idea.state === "merged" ? idea.state : "visible",
      message: "",
      sending: false,
      created_at: idea.created_at,
      edited: Boolean(idea.updated_at && idea.updated_at !== idea.created_at),
      corrected: Boolean(idea.corrected_at), // "corrigé par l'animateur" (correct_idea)
      canChange,
      otherTable: idea.table_id !== table.id && ideaTable ? t("common.table_number", { n: ideaTable.number }) : null,
      coAuthors: coAuthorsOf(idea),
      editing: ui.editing.has(idea.id) ? ui.editing.get(idea.id) : null,
      confirming: ui.confirming.has(idea.id),
      busy: ui.busy.has(idea.id),
      max,
    });
  }
  reconcile(els.myIdeas, views, {
    keyOf: (view) => view.id,
    // The draft is left out: typing must not rebuild the item being edited.
    sigOf: (view) => JSON.stringify({ ...view, editing: view.editing !== null }),
    build: (view) => buildMyIdea(view, t, config.lang),
  });
  show(els.myEmpty, views.length === 0);
  announce(views, open);

  const others = [...store.tableIdeas.values()].filter((idea) => !store.isMine(idea)).sort(store.order.newestFirst);
  reconcile(els.tableIdeas, others, {
    keyOf: (idea) => idea.id,
    sigOf: (idea) => `${idea.text}\u0000${idea.author ? idea.author.first_name : ""}\u0000${coAuthorsOf(idea)}`,
    build: (idea) => buildTableIdea(idea, t),
  });
  show(els.tableEmpty, others.length === 0);
}

/** Straight from the join page, the idea field has the focus: the next tap types the idea. */
function focusIdeaOnArrival(els, open) {
  let arriving = false;
  try {
    arriving = sessionStorage.getItem(FOCUS_IDEA_KEY) === config.code;
    if (arriving) sessionStorage.removeItem(FOCUS_IDEA_KEY);
  } catch {
    return;
  }
  if (arriving && open) els.text.focus();
}

function renderComposer(store, els) {
  const table = store.table();
  const open = Boolean(table && table.posting_open);
  const max = store.limits.idea_max_length;
  const length = els.text.value.length;
  els.counter.textContent = counterText(els.text.value, max, t);
  els.counter.classList.toggle("is-near", length >= max - 20);
  els.post.disabled = !open || els.text.value.trim() === "";
}
