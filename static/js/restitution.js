/**
 * Plenary restitution, the pure part (no DOM, tested in Node): where the
 * walk-through is, where "previous" and "next" lead, who may drive it, and
 * what each step shows. docs/protocol.md, "Plenary restitution".
 *
 * store.workshop.restitution: {table_id, step} | null  (step: 0 theme, 1 groups, 2 top-voted items)
 * store.workshop.spotlight:   {kind: "idea"|"group", id, table_id} | null
 *
 * The server only stores absolute positions; "next" and "previous" are
 * computed here and sent as set_restitution {table_id, step}, so a retried
 * command lands on the same position.
 */
import { visibleTally } from "./votes-state.js";

export const STEPS = ["theme", "groups", "votes"];
/** Ranks shown in the "top-voted items" step (ties at the last rank are all shown). */
export const TOP_RANKS = 5;

/** The current position, or null when the walk-through is off (or names a table we do not know). */
export function currentPosition(store) {
  const value = store.workshop && store.workshop.restitution;
  if (!value || typeof value.table_id !== "number") return null;
  if (!store.tableById(value.table_id)) return null;
  const step = Number.isInteger(value.step) && value.step >= 0 && value.step < STEPS.length ? value.step : 0;
  return { table_id: value.table_id, step };
}

/**
 * The position one step away (dir +1 or -1), or null at an end.
 * The lead (scope null) goes across the tables in their order; a table
 * facilitator (scope = their table id) stays on their table. From "off",
 * "next" starts at the first table's theme (lead) or at the scope's theme.
 */
export function neighbour(store, position, dir, scope = null) {
  const tables = store.tables.map((table) => table.id);
  if (!tables.length) return null;
  if (!position) {
    if (dir < 0) return null;
    return { table_id: scope ?? tables[0], step: 0 };
  }
  const step = position.step + dir;
  if (step >= 0 && step < STEPS.length) return { table_id: position.table_id, step };
  if (scope !== null && scope !== undefined) return null;
  const index = tables.indexOf(position.table_id) + dir;
  if (index < 0 || index >= tables.length) return null;
  return { table_id: tables[index], step: dir > 0 ? 0 : STEPS.length - 1 };
}

/** May this console drive the projector now? The lead always; a table facilitator during their table's turn. */
export function canDrive(store, scope) {
  if (scope === null || scope === undefined) return true;
  const position = currentPosition(store);
  return Boolean(position && position.table_id === scope);
}

/** May this console spotlight an item of `tableId` now? */
export function canSpotlight(store, scope, tableId) {
  return canDrive(store, scope) && (scope === null || scope === undefined || scope === tableId);
}

/** Is this item the one on the projector? */
export function isSpotlit(store, kind, id) {
  const spot = store.workshop && store.workshop.spotlight;
  return Boolean(spot && spot.kind === kind && spot.id === id);
}

/** The rows of the "top-voted items" step: items with dots, ranked, up to TOP_RANKS (ties kept together). */
export function topRows(tally, limit = TOP_RANKS) {
  if (!Array.isArray(tally)) return null;
  return tally.filter((row) => row.votes > 0 && row.rank <= limit);
}

/**
 * What the "top-voted items" step of a table shows:
 * {state: "hidden"} while the room may not see the results (not revealed and
 * not live: the projector never receives them), {state: "empty"} with no dot,
 * else {state: "ranked", rows}.
 */
export function voteStep(store, tableId) {
  const rows = topRows(visibleTally(store, tableId));
  if (rows === null) return { state: "hidden", rows: [] };
  return { state: rows.length ? "ranked" : "empty", rows };
}

/** The groups step: [{group, count}] by position, and the number of ideas not in a group. */
export function groupsStep(store, tableId) {
  const board = store.boardOf(tableId);
  return {
    groups: board.groups.map((entry) => ({ group: entry.group, count: entry.ideas.length })),
    unsorted: board.unsorted.length,
    ideas: board.unsorted.length + board.groups.reduce((n, entry) => n + entry.ideas.length, 0),
  };
}

/**
 * The spotlit item as the projector shows it, or null (nothing spotlit, or an
 * item this screen does not hold: a hidden idea, a removed group).
 * {kind: "idea", idea, group} | {kind: "group", group, ideas: [idea...]}
 */
export function spotlightItem(store) {
  const spot = store.workshop && store.workshop.spotlight;
  if (!spot) return null;
  if (spot.kind === "idea") {
    const idea = store.ideas.get(spot.id);
    if (!idea || idea.state !== "visible") return null;
    return { kind: "idea", idea, group: store.groupById(store.groupIdOf(idea)) };
  }
  if (spot.kind === "group") {
    const group = store.groupById(spot.id);
    if (!group) return null;
    const entry = store.boardOf(group.table_id).groups.find((e) => e.group.id === group.id);
    return { kind: "group", group, ideas: entry ? entry.ideas.filter((i) => i.state === "visible") : [] };
  }
  return null;
}

/** The item a "spotlight this" button on the remote targets at the current step (first group / top item), or null. */
export function defaultTarget(store, position) {
  if (!position) return null;
  if (STEPS[position.step] === "groups") {
    const first = groupsStep(store, position.table_id).groups[0];
    return first ? { kind: "group", id: first.group.id } : null;
  }
  if (STEPS[position.step] === "votes") {
    const first = voteStep(store, position.table_id).rows[0];
    return first ? { kind: first.kind, id: first.id } : null;
  }
  return null;
}
