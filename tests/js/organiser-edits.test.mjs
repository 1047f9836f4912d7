// Unit tests of the stores' handling of organiser edits (run by tests/unit/test_js_organiser_edits.py with
// Node): workshop_updated, table_updated (add, change, renumber), table_removed; applying twice changes nothing.
import assert from "node:assert/strict";
import { createStaffStore } from "../../static/js/staff-state.js";
import { createParticipantStore } from "../../static/js/participant-state.js";

const table = (id, number, theme) => ({
  id,
  number,
  theme,
  question: "",
  posting_open: true,
  voting_open: false,
  votes_revealed: false,
  facilitator: { name: "", organisation: "" },
  join_url: `/j/W/${number}`,
  qr_url: "",
});
const staffSnapshot = {
  workshop: { code: "W", title: "T", purpose: "", date: null, place: "", joining_open: true, projector_view: "all" },
  tables: [table(1, 1, "Emploi"), table(2, 2, "Énergie")],
  agenda: [{ key: "a", title: "Accueil", kind: "welcome", minutes: 10, description: "" }],
  participants: [{ id: 7, first_name: "Anne", organisation: "X", table_id: 2 }],
  ideas: [],
  groups: [{ id: "g", table_id: 2, label: "Solaire", label_source: "topic", position: 0 }],
  votes: { 1: { dots: 0, voters: 0, tally: null }, 2: { dots: 0, voters: 0, tally: null } },
};
const edits = [
  {
    type: "workshop_updated",
    data: {
      workshop: { title: "T2", purpose: "P", date: "2026-12-11", place: "B" },
      agenda: [{ key: "a", title: "Accueil", kind: "welcome", minutes: 20, description: "" }],
    },
  },
  {
    type: "table_updated",
    data: { table: { ...table(1, 2, "Emploi et talents") }, votes: { dots: 0, voters: 0, tally: null } },
  },
  { type: "table_updated", data: { table: table(2, 1, "Énergie") } },
  { type: "table_updated", data: { table: table(3, 3, "Mobilité"), votes: { dots: 0, voters: 0, tally: null } } },
  { type: "table_removed", data: { id: 2, moves: [{ participant_id: 7, table_id: null, from_table_id: 2 }] } },
];

for (const twice of [false, true]) {
  const store = createStaffStore("projector");
  store.reset(structuredClone(staffSnapshot));
  for (const edit of edits) {
    store.apply(structuredClone(edit));
    if (twice) store.apply(structuredClone(edit));
  }
  assert.equal(store.workshop.title, "T2");
  assert.equal(store.workshop.place, "B");
  assert.equal(store.workshop.projector_view, "all");
  assert.equal(store.agenda[0].minutes, 20);
  assert.deepEqual(
    store.tables.map((t) => [t.id, t.number, t.theme]),
    [
      [1, 2, "Emploi et talents"],
      [3, 3, "Mobilité"],
    ],
  );
  assert.equal(store.participants.get(7).table_id, null);
  assert.equal(store.groupsOf(2).length, 0);
  assert.ok(store.votes.has(3) && !store.votes.has(2));
}

{
  const phone = createParticipantStore();
  phone.reset({
    workshop: { code: "W", title: "T", joining_open: true, rotation_round: 0 },
    me: { id: 7, first_name: "Anne", organisation: "X", table_id: 2 },
    tables: staffSnapshot.tables.map(({ facilitator, join_url, qr_url, ...rest }) => rest),
    agenda: staffSnapshot.agenda,
    phase: null,
    my_ideas: [],
    table_ideas: [],
  });
  phone.apply(edits[0]);
  assert.equal(phone.workshop.title, "T2");
  assert.equal(phone.workshop.place, undefined); // a phone's snapshot has no place: it keeps its shape
  phone.apply({ type: "table_updated", data: { table: table(2, 2, "Énergie verte") } });
  assert.equal(phone.table().theme, "Énergie verte");
  assert.equal(phone.table().facilitator, undefined);
  phone.apply(edits[3]);
  assert.deepEqual(
    phone.tables.map((t) => t.id),
    [1, 2, 3],
  );
  phone.apply(edits[4]);
  assert.equal(phone.me.table_id, null);
  assert.equal(phone.table(), null);
}
console.log("organiser edits ok");
