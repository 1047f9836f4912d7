// The staff store's action plan and review handlers (static/js/staff-state.js), run with Node.
import assert from "node:assert/strict";
import { createStaffStore } from "../../static/js/staff-state.js";

const action = (id, tableId, extra = {}) => ({
  id,
  table_id: tableId,
  source: null,
  title: `Action ${id}`,
  description: "",
  owner_org: "Dev'Up",
  contact: "",
  due_on: null,
  indicator: "",
  status: "not_started",
  progress_note: "",
  created_at: `2026-12-10T11:0${id}:00Z`,
  updated_at: `2026-12-10T11:0${id}:00Z`,
  ...extra,
});

const store = createStaffStore("facilitator");
store.reset({
  workshop: { code: "DEVUP" },
  tables: [{ id: 1 }, { id: 2 }],
  participants: [],
  ideas: [],
  groups: [],
  actions: [action("2", 1), action("1", 1)],
  review: { on: "2027-09-09", open: false },
});
assert.deepEqual(
  store.actionsOf(1).map((a) => a.id),
  ["1", "2"],
); // oldest first
assert.deepEqual(store.actionsOf(null), []);
assert.equal(store.review.on, "2027-09-09");

const created = { type: "action_created", data: { action: action("3", null) } };
store.apply(created);
store.apply(created); // applying twice changes nothing
assert.deepEqual(
  store.actionsOf(null).map((a) => a.id),
  ["3"],
);

store.apply({
  type: "action_updated",
  data: { action: action("1", 1, { status: "in_progress", progress_note: "Lancé" }), by: "review" },
});
assert.equal(store.actions.get("1").status, "in_progress");
assert.equal(store.actions.get("1").progress_note, "Lancé");

store.apply({ type: "action_deleted", data: { id: "2", action: action("2", 1) } });
store.apply({ type: "action_deleted", data: { id: "2", action: action("2", 1) } });
assert.deepEqual(
  store.actionsOf(1).map((a) => a.id),
  ["1"],
);

store.apply({ type: "review_changed", data: { review: { on: "2027-10-05", open: true }, links_created: ["Dev'Up"] } });
assert.deepEqual(store.review, { on: "2027-10-05", open: true });

// A snapshot without the fields (an older server) gives an empty plan.
const bare = createStaffStore("projector");
bare.reset({ workshop: {}, tables: [], participants: [], ideas: [], groups: [] });
assert.equal(bare.actions.size, 0);
assert.deepEqual(bare.review, { on: null, open: false });
console.log("actions store ok");
