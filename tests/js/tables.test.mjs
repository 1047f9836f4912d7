// Unit tests of the round tables' reducers (run by tests/unit/test_js_tables.py with Node):
// seating and rotation events, names dropped on the projector, corrections, my_idea_changed.
import assert from "node:assert/strict";
import { createStaffStore } from "../../static/js/staff-state.js";
import { createParticipantStore } from "../../static/js/participant-state.js";

const anne = { id: 7, first_name: "Anne", organisation: "Cosmetic Valley" };
const idea = {
  id: "i1",
  table_id: 1,
  text: "Des logemnts",
  state: "visible",
  author: anne,
  created_at: "2026-03-12T09:00:00Z",
  updated_at: "2026-03-12T09:00:00Z",
  merged: [{ id: "i0", text: "x", author: { id: 8, first_name: "Bob", organisation: "Polepharma" } }],
  corrected_at: null,
};
const staffSnapshot = {
  workshop: { code: "W", title: "T", joining_open: true, projector_view: "all", show_authors: true, rotation_round: 0 },
  tables: [
    { id: 1, number: 1 },
    { id: 2, number: 2 },
  ],
  participants: [
    { ...anne, table_id: 1 },
    { id: 8, first_name: "Bob", organisation: "Polepharma", table_id: 2 },
  ],
  ideas: [idea],
  groups: [],
};

// Seating and rotation on a staff screen.
{
  const store = createStaffStore("facilitator");
  store.reset(structuredClone(staffSnapshot));
  store.apply({
    type: "tables_rotated",
    data: {
      round: 1,
      moves: [
        { participant_id: 7, table_id: 2, from_table_id: 1 },
        { participant_id: 8, table_id: 1, from_table_id: 2 },
      ],
    },
  });
  assert.equal(store.participants.get(7).table_id, 2);
  assert.equal(store.participants.get(8).table_id, 1);
  assert.equal(store.workshop.rotation_round, 1);
  store.apply({
    type: "tables_assigned",
    data: { mode: "fill", moves: [{ participant_id: 7, table_id: 1, from_table_id: 2 }] },
  });
  assert.equal(store.participantCount(1), 2);
  store.apply({
    type: "idea_corrected",
    data: { idea: { ...idea, text: "Des logements", corrected_at: "2026-03-12T09:05:00Z" }, old_text: "Des logemnts" },
  });
  assert.equal(store.ideas.get("i1").text, "Des logements");
  // A facilitator keeps the names when the projector hides them.
  store.apply({ type: "show_authors_changed", data: { show: false } });
  assert.equal(store.workshop.show_authors, false);
  assert.equal(store.ideas.get("i1").author.first_name, "Anne");
  store.apply({ type: "my_idea_changed", data: { id: "i1", participant_id: 7, state: "hidden" } }); // not for staff
  assert.equal(store.ideas.get("i1").state, "visible");
}

// The projector drops the names it holds.
{
  const store = createStaffStore("projector");
  store.reset(structuredClone(staffSnapshot));
  store.apply({ type: "show_authors_changed", data: { show: false } });
  const held = store.ideas.get("i1");
  assert.equal(held.author, null);
  assert.equal(held.merged[0].author, null);
  assert.deepEqual(store.participants.get(7), { id: 7, table_id: 1 });
  assert.ok(!JSON.stringify([...store.ideas.values(), ...store.participants.values()]).includes("Anne"));
}

// The author's phone: corrections and changes of their ideas on another table.
{
  const store = createParticipantStore();
  store.reset({
    workshop: { code: "W", title: "T", joining_open: true, rotation_round: 1 },
    me: { ...anne, table_id: 2 },
    tables: [
      { id: 1, number: 1, posting_open: true },
      { id: 2, number: 2, posting_open: true },
    ],
    my_ideas: [structuredClone(idea)],
    table_ideas: [],
  });
  store.apply({
    type: "my_idea_changed",
    data: {
      id: "i1",
      participant_id: 7,
      table_id: 1,
      state: "hidden",
      merged_into: null,
      updated_at: "2026-03-12T09:01:00Z",
      corrected_at: null,
    },
  });
  assert.equal(store.myIdeas.get("i1").state, "hidden");
  assert.equal(store.myIdeas.get("i1").text, "Des logemnts"); // no text sent for a hidden idea
  store.apply({
    type: "my_idea_changed",
    data: {
      id: "i1",
      participant_id: 7,
      table_id: 1,
      state: "visible",
      merged_into: null,
      updated_at: "2026-03-12T09:02:00Z",
      corrected_at: "2026-03-12T09:02:00Z",
      text: "Des logements",
    },
  });
  assert.equal(store.myIdeas.get("i1").text, "Des logements");
  assert.equal(store.myIdeas.get("i1").corrected_at, "2026-03-12T09:02:00Z");
  assert.equal(store.tableIdeas.size, 0); // it is not on my current table
  // Someone else's idea changing is not mine to show.
  store.apply({ type: "my_idea_changed", data: { id: "i9", participant_id: 8, table_id: 1, state: "hidden" } });
  assert.equal(store.myIdeas.size, 1);
  // A correction of an idea of my table (idea_corrected) updates both lists.
  const other = { ...idea, id: "i2", table_id: 2, author: { id: 8, first_name: "Bob", organisation: "P" } };
  store.apply({ type: "idea_posted", data: { idea: other } });
  store.apply({
    type: "idea_corrected",
    data: { idea: { ...other, text: "corrigé", corrected_at: "2026-03-12T09:03:00Z" }, old_text: other.text },
  });
  assert.equal(store.tableIdeas.get("i2").text, "corrigé");
}

// pin_idea: pinned ideas first on boards (the latest pin on top), then newest first; phones keep pinned_at.
{
  const store = createStaffStore("facilitator");
  const at = (id, created) => ({ ...idea, id, merged: [], created_at: created, pinned_at: null });
  store.reset({
    ...structuredClone(staffSnapshot),
    ideas: [at("a", "2026-03-12T09:00:00Z"), at("b", "2026-03-12T09:01:00Z"), at("c", "2026-03-12T09:02:00Z")],
  });
  assert.deepEqual(
    store.ideasOf(1).map((i) => i.id),
    ["c", "b", "a"],
  );
  store.apply({ type: "idea_pinned", data: { id: "a", table_id: 1, pinned_at: "2026-03-12T09:10:00Z" } });
  store.apply({ type: "idea_pinned", data: { id: "b", table_id: 1, pinned_at: "2026-03-12T09:11:00Z" } });
  assert.deepEqual(
    store.ideasOf(1).map((i) => i.id),
    ["b", "a", "c"],
  );
  store.apply({ type: "idea_pinned", data: { id: "b", table_id: 1, pinned_at: null } });
  assert.deepEqual(
    store.ideasOf(1).map((i) => i.id),
    ["a", "c", "b"],
  );
  store.apply({ type: "idea_pinned", data: { id: "unknown", table_id: 1, pinned_at: "2026-03-12T09:12:00Z" } });
  assert.equal(store.ideas.size, 3);

  const phone = createParticipantStore();
  phone.reset({
    me: { ...anne, table_id: 1 },
    workshop: staffSnapshot.workshop,
    table: { id: 1 },
    my_ideas: [at("a", "2026-03-12T09:00:00Z")],
    table_ideas: [at("a", "2026-03-12T09:00:00Z")],
    groups: [],
  });
  phone.apply({ type: "idea_pinned", data: { id: "a", table_id: 1, pinned_at: "2026-03-12T09:10:00Z" } });
  assert.equal(phone.myIdeas.get("a").pinned_at, "2026-03-12T09:10:00Z");
}

console.log("tables ok");
