/**
 * What the console's boards do: hide/restore ideas, open/close posting, and
 * the grouping commands (docs/protocol.md, "Grouping commands"): move an idea
 * (drag and drop, the "Déplacer vers…" select, a suggestion button), create,
 * rename, merge, split and remove groups. The UI modes (which inline form is
 * open, which ideas are ticked for a split) live in `ui`; console-board.js
 * draws them. A refused command shows its message in the alert area (run()).
 */
import { enableDragDrop } from "./dragdrop.js";
import { newId } from "./pending.js";

export function createUiState() {
  return {
    creating: new Set(), // table ids whose "new group" form is open
    createIds: new Map(), // table id -> uuid of the group being created (kept for a retry)
    renaming: new Set(), // group ids
    removing: new Set(), // group ids waiting for the in-page confirmation
    splitting: new Map(), // group id -> {picked: Set of idea ids, newId}
    moves: new Map(), // idea id -> group id | null: sent, not acknowledged yet (shown at once)
    focus: null, // {ideaId, selector}: give the focus back to this card after it moved
    regroupResults: new Map(), // table id -> {text, kind}: the last "Regrouper" outcome, shown for a while
  };
}

const NAV_KEYS = new Set(["ArrowUp", "ArrowDown", "ArrowLeft", "ArrowRight", "Home", "End", "PageUp", "PageDown"]);

/**
 * root: the #boards element; run(key, name, payload) -> ack | null (busy);
 * render(): synchronous re-render; message: the alert area.
 */
export function bindBoardActions({ root, store, t, ui, run, render, message }) {
  const groupOf = (el) => {
    const section = el.closest(".group");
    return section && section.dataset.groupId ? store.groupById(section.dataset.groupId) : null;
  };
  const tableOf = (el) => Number(el.closest(".board").dataset.tableId);
  const ideaIdOf = (el) => {
    const card = el.closest(".idea");
    return card ? card.dataset.ideaId : null;
  };
  const focusIn = (selector) => {
    const el = root.querySelector(selector);
    if (el) el.focus();
    return el;
  };
  const groupSel = (id) => `.group[data-group-id="${CSS.escape(id)}"]`;

  async function moveIdea(id, groupId, refocus) {
    const idea = store.ideas.get(id);
    if (!idea || store.groupIdOf(idea) === groupId) return;
    if (ui.moves.has(id)) return;
    if (refocus) ui.focus = { ideaId: id, selector: refocus };
    ui.moves.set(id, groupId);
    await run(`move:${id}`, "move_idea", { id, group_id: groupId });
    ui.moves.delete(id);
    render();
    if (ui.focus && ui.focus.ideaId === id) ui.focus = null;
  }

  const dnd = enableDragDrop(root, {
    item: ".idea",
    itemKey: (el) => el.dataset.ideaId,
    handle: ".drag-handle",
    zone: ".group",
    zoneKey: (el) => el.dataset.groupId,
    scope: ".board",
    scopeKey: (el) => el.dataset.tableId,
    canDrag: (el) => !ui.moves.has(el.dataset.ideaId) && el.closest(".board")?.dataset.frozen !== "true",
    topInset: () => {
      const header = document.querySelector(".site-header");
      return header ? Math.max(0, header.getBoundingClientRect().bottom) : 0;
    },
    onDrop: (id, zone) => moveIdea(id, zone.dataset.groupId || null),
  });

  // -- clicks -----------------------------------------------------------------
  const clicks = {
    "posting-toggle": (button) => {
      const table = store.tableById(Number(button.dataset.tableId));
      if (table) run(`posting:${table.id}`, "set_posting", { table_id: table.id, open: !table.posting_open });
    },
    "hide-idea": (button) => {
      const id = ideaIdOf(button);
      run(`idea:${id}`, "hide_idea", { id });
    },
    "restore-idea": (button) => {
      const id = ideaIdOf(button);
      run(`idea:${id}`, "restore_idea", { id });
    },
    "pin-idea": (button) => {
      const id = ideaIdOf(button);
      run(`pin:${id}`, "pin_idea", { id, pinned: button.dataset.pinned !== "true" });
    },
    "apply-suggestion": (button) => moveIdea(ideaIdOf(button), button.dataset.target, ".menu-button"),
    "new-group": (button) => {
      const tableId = Number(button.dataset.tableId);
      ui.creating.add(tableId);
      render();
      focusIn(`.new-group-form[data-table-id="${tableId}"] .new-group-input`);
    },
    "new-group-cancel": (button) => closeCreate(tableOf(button)),
    "rename-group": (button) => {
      const group = groupOf(button);
      if (!group) return;
      ui.renaming.add(group.id);
      render();
      const input = focusIn(`${groupSel(group.id)} .rename-input`);
      if (input) {
        input.value = group.label;
        input.select();
      }
    },
    "rename-cancel": (button) => closeRename(groupOf(button)),
    "split-group": (button) => {
      const group = groupOf(button);
      if (!group) return;
      if (ui.splitting.has(group.id)) return closeSplit(group);
      ui.splitting.set(group.id, { picked: new Set(), newId: newId() });
      render();
      focusIn(`${groupSel(group.id)} .split-pick`);
    },
    "split-cancel": (button) => closeSplit(groupOf(button)),
    "remove-group": (button) => {
      const group = groupOf(button);
      if (!group) return;
      ui.removing.add(group.id);
      render();
      focusIn(`${groupSel(group.id)} .confirm-remove`);
    },
    "cancel-remove": (button) => {
      const group = groupOf(button);
      if (!group) return;
      ui.removing.delete(group.id);
      render();
      focusIn(`${groupSel(group.id)} .group-head .menu-button`);
    },
    "confirm-remove": async (button) => {
      const group = groupOf(button);
      if (!group) return;
      const ack = await run(`group:${group.id}`, "remove_group", { id: group.id });
      if (ack && ack.ok) {
        ui.removing.delete(group.id);
        render();
        focusIn(`.board[data-table-id="${group.table_id}"] .new-group`);
      }
    },
  };

  root.addEventListener("click", (event) => {
    const button = event.target.closest("button");
    if (!button || !root.contains(button)) return;
    for (const name of button.classList) {
      if (clicks[name]) {
        if (button.getAttribute("aria-disabled") === "true" && name !== "new-group-cancel") return;
        clicks[name](button);
        return;
      }
    }
  });

  function closeCreate(tableId) {
    ui.creating.delete(tableId);
    render();
    focusIn(`.board[data-table-id="${tableId}"] .new-group`);
  }

  function closeRename(group) {
    if (!group) return;
    ui.renaming.delete(group.id);
    render();
    focusIn(`${groupSel(group.id)} .group-head .menu-button`);
  }

  function closeSplit(group) {
    if (!group) return;
    ui.splitting.delete(group.id);
    render();
    focusIn(`${groupSel(group.id)} .group-head .menu-button`);
  }

  // -- selects and checkboxes ---------------------------------------------------
  // On a closed <select>, Chrome fires "change" at each arrow key: a keyboard
  // user browsing the list would move the idea (or merge the group) at every
  // step. Such a change waits for Enter or for the focus to leave.
  root.addEventListener("keydown", (event) => {
    const el = event.target;
    if (el.tagName === "SELECT") {
      if (NAV_KEYS.has(event.key) || event.key.length === 1) el._keyAt = performance.now();
      else if (event.key === "Enter" && el._deferred) {
        event.preventDefault();
        commitSelect(el);
      }
    } else if (event.key === "Escape") {
      if (el.closest(".new-group-form")) closeCreate(tableOf(el));
      else if (el.closest(".rename-form")) closeRename(groupOf(el));
      else if (el.closest(".split-form, .split-pick-label")) closeSplit(groupOf(el));
      else if (el.closest(".remove-confirm")) clicks["cancel-remove"](el);
    }
  });

  root.addEventListener("focusout", (event) => {
    if (event.target.tagName === "SELECT" && event.target._deferred) commitSelect(event.target);
  });

  root.addEventListener("change", (event) => {
    const el = event.target;
    if (el.classList.contains("split-pick")) {
      const group = groupOf(el);
      const split = group && ui.splitting.get(group.id);
      if (!split) return;
      if (el.checked) split.picked.add(ideaIdOf(el));
      else split.picked.delete(ideaIdOf(el));
      render();
      return;
    }
    if (el.tagName !== "SELECT") return;
    if (performance.now() - (el._keyAt || 0) < 150) el._deferred = true;
    else commitSelect(el);
  });

  function commitSelect(select) {
    select._deferred = false;
    if (select.classList.contains("move-idea")) {
      moveIdea(ideaIdOf(select), select.value || null, ".menu-button");
    } else if (select.classList.contains("merge-group")) {
      const group = groupOf(select);
      const into = select.value;
      select.value = "";
      if (group && into) mergeGroup(group, into);
    }
  }

  async function mergeGroup(group, into) {
    const ack = await run(`group:${group.id}`, "merge_groups", { id: group.id, into });
    if (ack && ack.ok) focusIn(`${groupSel(into)} .group-head .menu-button`);
  }

  // -- forms --------------------------------------------------------------------
  root.addEventListener("submit", async (event) => {
    event.preventDefault();
    const form = event.target;
    if (form.classList.contains("new-group-form")) await submitCreate(form);
    else if (form.classList.contains("rename-form")) await submitRename(form);
    else if (form.classList.contains("split-form")) await submitSplit(form);
  });

  async function submitCreate(form) {
    const tableId = Number(form.dataset.tableId);
    const input = form.querySelector(".new-group-input");
    const label = input.value.trim();
    if (!label) return refuse(input, t("console.empty_label"));
    if (!ui.createIds.has(tableId)) ui.createIds.set(tableId, newId());
    const ack = await run(`create:${tableId}`, "create_group", {
      id: ui.createIds.get(tableId),
      table_id: tableId,
      label,
    });
    if (!ack || !ack.ok) return;
    ui.createIds.delete(tableId);
    input.value = "";
    closeCreate(tableId);
  }

  async function submitRename(form) {
    const group = groupOf(form);
    if (!group) return;
    const input = form.querySelector(".rename-input");
    const label = input.value.trim();
    if (!label) return refuse(input, t("console.empty_label"));
    if (label === group.label) return closeRename(group);
    const ack = await run(`group:${group.id}`, "rename_group", { id: group.id, label });
    if (ack && ack.ok) closeRename(group);
  }

  async function submitSplit(form) {
    const group = groupOf(form);
    const split = group && ui.splitting.get(group.id);
    if (!split) return;
    const inGroup = new Set(
      store
        .boardOf(group.table_id)
        .groups.find((e) => e.group.id === group.id)
        ?.ideas.map((i) => i.id),
    );
    const ids = [...split.picked].filter((id) => inGroup.has(id));
    if (!ids.length) return refuse(form.querySelector(".split-pick") || form, t("console.split_none"));
    const input = form.querySelector(".split-label");
    const label = input.value.trim() || t("console.split_default", { label: group.label });
    const ack = await run(`group:${group.id}`, "split_group", {
      id: group.id,
      new_id: split.newId,
      label,
      idea_ids: ids,
    });
    if (!ack || !ack.ok) return;
    ui.splitting.delete(group.id);
    input.value = "";
    render();
    focusIn(`${groupSel(split.newId)} .group-head .menu-button`);
  }

  function refuse(el, text) {
    message.show(text);
    if (el && el.focus) el.focus();
  }

  return {
    dnd,
    /** After a render: the card moved by the keyboard gets the focus back. */
    afterRender() {
      dnd.refresh();
      const want = ui.focus;
      if (!want) return;
      const active = document.activeElement;
      if (active && active !== document.body && root.contains(active)) return;
      const card = root.querySelector(`.idea[data-idea-id="${CSS.escape(want.ideaId)}"]`);
      const target = card && card.querySelector(want.selector);
      if (target) target.focus();
    },
  };
}
