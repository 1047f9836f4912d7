/**
 * The action plan on the facilitator console (docs/review.md).
 *
 * - Each group head and each idea card of the boards gets a "Créer une
 *   action" button; a "Nouvelle action" button per table writes one from
 *   scratch. All open one <dialog> form (showModal: focus stays inside,
 *   Escape closes it, focus returns to the button that opened it).
 * - A "Plan d'actions" panel under the boards lists the actions of each
 *   table with their owner, due date and status, to edit or delete.
 * A table facilitator sees and acts on their own table only (config.table_id).
 * Commands: create_action, update_action, delete_action; the store follows
 * their events (staff-state.js), so every console stays in step.
 */
import { h } from "./dom.js";
import { setText } from "./staff-ui.js";

const STATUSES = ["not_started", "in_progress", "done", "dropped"];
const TEXT_MAX = { title: 200, owner_org: 80, contact: 120, indicator: 300, description: 2000, progress_note: 2000 };

export function createActionPlan({ main, boards, store, t, run, config }) {
  const scope = config.table_id ?? null; // null: the lead facilitator (every table)
  const panel = h(
    "section",
    { class: "actions-panel", id: "actions-panel", "aria-labelledby": "actions-title" },
    h("h2", { id: "actions-title", text: t("actions.title") }),
    h("div", { class: "actions-tables" }),
  );
  main.append(panel);
  const dialog = buildDialog(t);
  document.body.append(dialog.el);
  let editing = null; // {mode: "create"|"edit", id, source, table_id}
  let opener = null;
  let signature = "";

  // -- opening the form -------------------------------------------------------
  function open(state, from) {
    editing = state;
    opener = from || null;
    const action = state.mode === "edit" ? store.actions.get(state.id) : null;
    const f = dialog.fields;
    f.title.value = action ? action.title : state.suggested || "";
    f.description.value = action ? action.description : "";
    f.owner_org.value = action ? action.owner_org : "";
    f.contact.value = action ? action.contact : "";
    f.due_on.value = action && action.due_on ? action.due_on : "";
    f.indicator.value = action ? action.indicator : "";
    f.status.value = action ? action.status : "not_started";
    f.progress_note.value = action ? action.progress_note : "";
    dialog.editOnly.forEach((el) => {
      el.hidden = !action;
    });
    setText(dialog.heading, t(action ? "actions.edit_title" : "actions.new_title"));
    setText(
      dialog.source,
      sourceText(action ? action.source : state.source, action ? action.table_id : state.table_id),
    );
    setText(dialog.error, "");
    dialog.error.hidden = true;
    refreshOrganisations();
    dialog.el.showModal();
    f.title.focus();
  }

  function close() {
    editing = null;
    if (dialog.el.open) dialog.el.close();
  }

  dialog.el.addEventListener("close", () => {
    editing = null;
    if (opener && opener.isConnected) opener.focus();
    opener = null;
  });
  dialog.cancel.addEventListener("click", close);

  dialog.form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (!editing) return;
    const f = dialog.fields;
    const payload = {
      title: f.title.value,
      description: f.description.value,
      owner_org: f.owner_org.value,
      contact: f.contact.value,
      due_on: f.due_on.value || null,
      indicator: f.indicator.value,
    };
    let ack;
    if (editing.mode === "create") {
      if (!editing.id) editing.id = crypto.randomUUID(); // kept: a retry is the same action
      const id = editing.id;
      Object.assign(payload, { id, source: editing.source || null });
      if (!editing.source && editing.table_id !== null) payload.table_id = editing.table_id;
      ack = await run(`action:${id}`, "create_action", payload);
    } else {
      Object.assign(payload, { id: editing.id, status: f.status.value, progress_note: f.progress_note.value });
      ack = await run(`action:${editing.id}`, "update_action", payload);
    }
    if (ack && ack.ok) close();
    else if (ack) {
      setText(dialog.error, ack.message || t("errors.generic"));
      dialog.error.hidden = false;
    }
  });

  // -- buttons on the boards and in the panel ---------------------------------------
  function onClick(event) {
    const button = event.target.closest("button");
    if (!button || button.getAttribute("aria-disabled") === "true") return;
    const data = button.dataset;
    if (button.classList.contains("create-action")) {
      event.stopPropagation();
      if (data.kind === "group") {
        const group = store.groupById(data.id);
        if (group)
          open(
            {
              mode: "create",
              source: { kind: "group", id: group.id },
              table_id: group.table_id,
              suggested: group.label,
            },
            button,
          );
      } else if (data.kind === "idea") {
        const idea = store.ideas.get(data.id);
        if (idea) open({ mode: "create", source: { kind: "idea", id: idea.id }, table_id: idea.table_id }, button);
      } else {
        open({ mode: "create", source: null, table_id: data.table === "" ? null : Number(data.table) }, button);
      }
    } else if (button.classList.contains("edit-action")) {
      if (store.actions.has(data.id)) open({ mode: "edit", id: data.id }, button);
    } else if (button.classList.contains("delete-action")) {
      const action = store.actions.get(data.id);
      if (action && window.confirm(t("actions.delete_confirm", { title: action.title }))) {
        run(`action:${action.id}`, "delete_action", { id: action.id });
      }
    }
  }
  boards.addEventListener("click", onClick, true);
  panel.addEventListener("click", onClick);

  /** Add the "Créer une action" buttons the board does not draw itself (idempotent). */
  function decorate() {
    for (const section of boards.querySelectorAll("section.group")) {
      const group = store.groupById(section.dataset.groupId);
      const head = section.querySelector(".group-head");
      if (!group || !head || head.querySelector(".create-action")) continue;
      head.append(
        h("button", {
          type: "button",
          class: "btn btn-tiny btn-quiet create-action",
          dataset: { kind: "group", id: group.id },
          "aria-label": t("actions.create_from_group", { label: group.label }),
          text: t("actions.create"),
        }),
      );
    }
    for (const card of boards.querySelectorAll("li.idea")) {
      const idea = store.ideas.get(card.dataset.ideaId);
      const tools = card.querySelector(".idea-actions");
      if (!idea || !tools || tools.querySelector(".create-action")) continue;
      tools.append(
        h("button", {
          type: "button",
          class: "btn btn-tiny btn-quiet create-action",
          dataset: { kind: "idea", id: idea.id },
          "aria-label": t("actions.create_from_idea", { text: truncate(idea.text, 60) }),
          text: t("actions.create"),
        }),
      );
    }
  }

  // -- the panel --------------------------------------------------------------------
  function sourceText(source, tableId) {
    const table = tableId === null || tableId === undefined ? null : store.tableById(tableId);
    const where = table ? t("common.table_number", { n: table.number }) : t("actions.workshop_wide");
    if (!source) return `${where} · ${t("actions.from_scratch")}`;
    if (source.kind === "group") {
      const group = store.groupById(source.id);
      return `${where} · ${t("actions.from_group", { label: group ? group.label : "…" })}`;
    }
    const idea = store.ideas.get(source.id);
    return `${where} · ${t("actions.from_idea", { text: idea ? truncate(idea.text, 80) : "…" })}`;
  }

  function refreshOrganisations() {
    const names = new Set();
    for (const p of store.participants.values()) if (p.organisation) names.add(p.organisation);
    for (const a of store.actions.values()) if (a.owner_org) names.add(a.owner_org);
    dialog.organisations.replaceChildren(...[...names].sort().map((name) => h("option", { value: name })));
  }

  function sections() {
    const tables = store.tables.filter((table) => scope === null || table.id === scope);
    const list = tables.map((table) => ({
      id: table.id,
      label: `${t("common.table_number", { n: table.number })} · ${table.theme}`,
    }));
    if (scope === null) list.push({ id: null, label: t("actions.workshop_wide") });
    return list;
  }

  function render(connected) {
    if (!store.loaded) return;
    decorate();
    const parts = sections().map((section) => ({ section, actions: store.actionsOf(section.id) }));
    const sig = JSON.stringify([
      connected,
      parts.map((p) => [p.section, p.actions, p.actions.map((a) => sourceText(a.source, a.table_id))]),
    ]);
    if (sig === signature) return;
    signature = sig;
    const container = panel.querySelector(".actions-tables");
    const focused =
      document.activeElement && panel.contains(document.activeElement) ? focusKey(document.activeElement) : null;
    container.replaceChildren(...parts.map(({ section, actions }) => buildSection(section, actions, connected)));
    if (focused) {
      const again = container.querySelector(focused);
      if (again) again.focus();
    }
  }

  function buildSection(section, actions, connected) {
    const key = section.id === null ? "" : String(section.id);
    return h(
      "section",
      { class: "actions-table", dataset: { table: key } },
      h(
        "div",
        { class: "actions-table-head" },
        h("h3", { text: section.label }),
        h("button", {
          type: "button",
          class: "btn btn-tiny btn-secondary create-action",
          dataset: { kind: "scratch", table: key },
          "aria-label": t("actions.new_for", { where: section.label }),
          text: t("actions.new"),
          "aria-disabled": connected ? null : "true",
        }),
      ),
      actions.length
        ? h(
            "ul",
            { class: "actions-list" },
            actions.map((action) => buildAction(action, connected)),
          )
        : h("p", { class: "hint", text: t("actions.none") }),
    );
  }

  function buildAction(action, connected) {
    const facts = [
      action.owner_org || t("actions.no_owner"),
      action.contact,
      action.due_on ? t("actions.due", { date: formatDate(action.due_on, config.lang) }) : null,
    ]
      .filter(Boolean)
      .join(" · ");
    return h(
      "li",
      { class: "action-item", dataset: { actionId: action.id, status: action.status } },
      h(
        "p",
        { class: "action-title" },
        h("strong", { text: action.title }),
        " ",
        h("span", { class: `badge action-status status-${action.status}`, text: t(`actions.status.${action.status}`) }),
      ),
      h("p", { class: "action-facts", text: facts }),
      h("p", { class: "action-source hint", text: sourceText(action.source, action.table_id) }),
      action.indicator
        ? h("p", { class: "action-indicator", text: `${t("actions.indicator")} : ${action.indicator}` })
        : null,
      action.progress_note ? h("p", { class: "action-note", text: action.progress_note }) : null,
      h(
        "div",
        { class: "action-tools" },
        h("button", {
          type: "button",
          class: "btn btn-tiny btn-quiet edit-action",
          dataset: { id: action.id, focus: "edit" },
          "aria-label": t("actions.edit_named", { title: action.title }),
          text: t("actions.edit"),
          "aria-disabled": connected ? null : "true",
        }),
        h("button", {
          type: "button",
          class: "btn btn-tiny btn-quiet btn-warn delete-action",
          dataset: { id: action.id, focus: "delete" },
          "aria-label": t("actions.delete_named", { title: action.title }),
          text: t("actions.delete"),
          "aria-disabled": connected ? null : "true",
        }),
      ),
    );
  }

  return { render, open };
}

function focusKey(el) {
  if (el.dataset.id && el.dataset.focus)
    return `[data-id="${CSS.escape(el.dataset.id)}"][data-focus="${el.dataset.focus}"]`;
  if (el.dataset.kind === "scratch") return `.create-action[data-table="${CSS.escape(el.dataset.table)}"]`;
  return null;
}

function truncate(text, max) {
  const value = String(text || "");
  return value.length > max ? `${value.slice(0, max - 1)}…` : value;
}

function formatDate(iso, lang) {
  const [y, m, d] = iso.split("-").map(Number);
  if (!y || !m || !d) return iso;
  return new Date(Date.UTC(y, m - 1, d)).toLocaleDateString(lang || "fr", {
    timeZone: "UTC",
    day: "numeric",
    month: "long",
    year: "numeric",
  });
}

function buildDialog(t) {
  const field = (name, label, input) =>
    h("div", { class: "field" }, h("label", { for: `action-${name}`, text: label }), input);
  const text = (name, extra = {}) =>
    h("input", {
      class: "input",
      id: `action-${name}`,
      name,
      type: "text",
      maxlength: String(TEXT_MAX[name]),
      autocomplete: "off",
      ...extra,
    });
  const area = (name) =>
    h("textarea", { class: "input", id: `action-${name}`, name, rows: "3", maxlength: String(TEXT_MAX[name]) });
  const fields = {
    title: text("title", { required: true }),
    description: area("description"),
    owner_org: text("owner_org", { list: "action-organisations" }),
    contact: text("contact"),
    due_on: h("input", { class: "input", id: "action-due_on", name: "due_on", type: "date" }),
    indicator: text("indicator"),
    status: h(
      "select",
      { class: "input", id: "action-status", name: "status" },
      STATUSES.map((s) => h("option", { value: s, text: t(`actions.status.${s}`) })),
    ),
    progress_note: area("progress_note"),
  };
  const heading = h("h2", { id: "action-dialog-title" });
  const source = h("p", { class: "hint action-dialog-source" });
  const error = h("p", { class: "form-error", role: "alert", hidden: true });
  const organisations = h("datalist", { id: "action-organisations" });
  const cancel = h("button", { type: "button", class: "btn btn-quiet", text: t("actions.cancel") });
  const statusField = field("status", t("actions.status_label"), fields.status);
  const noteField = field("progress_note", t("actions.progress_note"), fields.progress_note);
  const form = h(
    "form",
    { class: "stack action-form", method: "dialog" },
    heading,
    source,
    field("title", t("actions.field_title"), fields.title),
    field("owner_org", t("actions.owner_org"), fields.owner_org),
    field("contact", t("actions.contact"), fields.contact),
    field("due_on", t("actions.due_on"), fields.due_on),
    field("indicator", t("actions.indicator"), fields.indicator),
    field("description", t("actions.description"), fields.description),
    statusField,
    noteField,
    organisations,
    error,
    h(
      "div",
      { class: "action-form-buttons" },
      h("button", { type: "submit", class: "btn btn-primary", text: t("actions.save") }),
      cancel,
    ),
  );
  const el = h(
    "dialog",
    { class: "action-dialog", id: "action-dialog", "aria-labelledby": "action-dialog-title" },
    form,
  );
  return { el, form, fields, heading, source, error, cancel, organisations, editOnly: [statusField, noteField] };
}
