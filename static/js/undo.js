/**
 * Undo on the console: each grouping and moderation command it sends
 * records its inverse, computed from the state before the command; Ctrl+Z
 * (Cmd+Z) or the "Annuler" of the toast shown for 10 s sends that inverse as
 * a normal, logged command (docs/protocol.md, "Undo on the console"). Every
 * screen follows from its events, like any other change.
 *
 *   move_idea        -> move_idea back to the previous group (or "À classer")
 *   create_group     -> remove_group
 *   rename_group     -> rename_group with the old label
 *   split_group      -> merge_groups of the new group back into the old one
 *   merge_groups     -> restore_group with the ideas the merged group held
 *   remove_group     -> restore_group with the ideas the removed group held
 *   hide_idea        <-> restore_idea
 *   correct_idea     -> correct_idea with the old text
 *   pin_idea         -> pin_idea the other way
 *   merge_ideas      -> unmerge_idea (the merged idea comes back in its group)
 *   dismiss_duplicate -> flag_duplicate with the idea it was said to repeat
 * ("Regrouper" needs no undo: its proposal is accepted or discarded first.)
 */
const KEEP = 20; // undo steps kept
const SHOWN_MS = 10000;

/** The inverse of a command, from the state before it: {name, payload, what} or null. */
export function inverseOf(store, t, name, payload) {
  const group = (id) => store.groupById(id);
  const ideasOf = (id) =>
    [...store.ideas.values()]
      .filter((idea) => idea.group_id === id && (idea.state === "visible" || idea.state === "hidden"))
      .map((idea) => idea.id);
  switch (name) {
    case "move_idea": {
      const idea = store.ideas.get(payload.id);
      if (!idea) return null;
      const to = payload.group_id ? group(payload.group_id) : null;
      return {
        name,
        payload: { id: idea.id, group_id: store.groupIdOf(idea) },
        what: to ? t("undo.moved", { label: to.label }) : t("undo.moved_unsorted"),
      };
    }
    case "create_group":
      return { name: "remove_group", payload: { id: payload.id }, what: t("undo.created", { label: payload.label }) };
    case "rename_group": {
      const old = group(payload.id);
      return old
        ? { name, payload: { id: old.id, label: old.label }, what: t("undo.renamed", { label: payload.label }) }
        : null;
    }
    case "split_group": {
      const old = group(payload.id);
      return old
        ? {
            name: "merge_groups",
            payload: { id: payload.new_id, into: old.id },
            what: t("undo.split", { label: old.label }),
          }
        : null;
    }
    case "merge_groups": {
      const old = group(payload.id);
      const into = group(payload.into);
      return old && into
        ? {
            name: "restore_group",
            payload: { id: old.id, idea_ids: ideasOf(old.id) },
            what: t("undo.merged", { label: old.label, into: into.label }),
          }
        : null;
    }
    case "remove_group": {
      const old = group(payload.id);
      return old
        ? {
            name: "restore_group",
            payload: { id: old.id, idea_ids: ideasOf(old.id) },
            what: t("undo.removed", { label: old.label }),
          }
        : null;
    }
    case "hide_idea":
      return { name: "restore_idea", payload: { id: payload.id }, what: t("undo.hidden") };
    case "restore_idea":
      return { name: "hide_idea", payload: { id: payload.id }, what: t("undo.restored") };
    case "pin_idea":
      return {
        name,
        payload: { id: payload.id, pinned: !payload.pinned },
        what: t(payload.pinned ? "undo.pinned" : "undo.unpinned"),
      };
    case "merge_ideas":
      return store.ideas.has(payload.id)
        ? { name: "unmerge_idea", payload: { id: payload.id }, what: t("undo.merged_idea") }
        : null;
    case "dismiss_duplicate": {
      const idea = store.ideas.get(payload.id);
      return idea && idea.duplicate_of
        ? { name: "flag_duplicate", payload: { id: idea.id, of: idea.duplicate_of }, what: t("undo.kept_both") }
        : null;
    }
    case "correct_idea": {
      const idea = store.ideas.get(payload.id);
      return idea ? { name, payload: { id: idea.id, text: idea.text }, what: t("undo.corrected") } : null;
    }
    default:
      return null;
  }
}

/**
 * run(key, name, payload, options) -> ack | null: the console's command sender.
 * Returns {run: the same, recording inverses; undo(); get size}.
 */
export function createUndo({ store, t, run, toast }) {
  const stack = [];

  async function recording(key, name, payload, options) {
    const inverse = store.loaded ? inverseOf(store, t, name, payload) : null;
    const ack = await run(key, name, payload, options);
    if (ack && ack.ok && inverse) {
      stack.push(inverse);
      if (stack.length > KEEP) stack.shift();
      toast.show({ text: inverse.what, action: t("undo.undo"), onAction: undo, ms: SHOWN_MS });
    }
    return ack;
  }

  async function undo() {
    const entry = stack.pop();
    if (!entry) {
      toast.show({ text: t("undo.nothing"), ms: 3000 });
      return null;
    }
    toast.hide();
    const ack = await run("undo", entry.name, entry.payload);
    if (ack && ack.ok) toast.show({ text: t("undo.done", { what: entry.what }), ms: 4000 });
    else if (!ack) stack.push(entry); // busy: keep it for the next try
    return ack;
  }

  // Ctrl+Z / Cmd+Z, except while typing (a field's own undo comes first).
  document.addEventListener("keydown", (event) => {
    if (!(event.ctrlKey || event.metaKey) || event.shiftKey || event.altKey || event.key.toLowerCase() !== "z") return;
    const el = event.target;
    if (el && el.closest && el.closest("input, textarea, select, [contenteditable]")) return;
    event.preventDefault();
    undo();
  });

  return {
    run: recording,
    undo,
    get size() {
      return stack.length;
    },
  };
}
