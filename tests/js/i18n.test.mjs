// makeT (static/js/dom.js) and the participant's status announcements (participant-announce.js),
// run by tests/unit/test_js_i18n.py with Node.
import assert from "node:assert/strict";
import { makeT } from "../../static/js/dom.js";
import { changes } from "../../static/js/participant-announce.js";

const strings = {
  common: { table_number: "Table {n}" },
  projector: { ideas: { one: "{n} idée", many: "{n} d'idées", other: "{n} idées" } },
  participant: {
    status_published: "publiée : {text}",
    status_hidden: "masquée : {text}",
    status_restored: "rétablie : {text}",
    status_merged: "regroupée : {text}",
    status_corrected: "corrigée : {text}",
    status_failed: "échec : {text}",
    status_posting_open: "ouvert",
    status_posting_closed: "fermé",
  },
};

{
  const fr = makeT(strings, "fr");
  const en = makeT({ projector: { ideas: { one: "{n} idea", other: "{n} ideas" } } }, "en");
  assert.equal(fr("common.table_number", { n: 3 }), "Table 3");
  assert.equal(fr("common.table_number", { n: 1234 }), "Table 1\u202f234"); // French digit grouping
  assert.equal(en("projector.ideas", { n: 1 }), "projector.ideas"); // a family is not a string
  assert.equal(en.plural("projector.ideas", 1234), "1,234 ideas");
  assert.equal(fr.plural("projector.ideas", 0), "0 idée"); // French: 0 is singular
  assert.equal(fr.plural("projector.ideas", 2), "2 idées");
  assert.equal(fr("no.such.key"), "no.such.key"); // a gap shows, never throws
  assert.equal(fr("common.table_number", { n: "B" }), "Table B");
  assert.equal(fr("common.table_number"), "Table {n}");
}

{
  const t = makeT(strings, "fr");
  const state = (open, ...ideas) => ({
    open,
    ideas: new Map(ideas.map(([id, s, text, corrected]) => [id, { state: s, text, corrected: Boolean(corrected) }])),
  });
  assert.deepEqual(changes(null, state(true, ["a", "visible", "x"]), t), []); // first render: silent
  const long = "Une idée très longue qui dépasse largement quarante caractères";
  assert.deepEqual(changes(state(true, ["a", "pending", long]), state(true, ["a", "visible", long]), t), [
    "publiée : Une idée très longue qui dépasse largem…",
  ]);
  assert.deepEqual(changes(state(true, ["a", "visible", "x"]), state(false, ["a", "hidden", "x"]), t), [
    "fermé",
    "masquée : x",
  ]);
  assert.deepEqual(changes(state(false, ["a", "hidden", "x"]), state(true, ["a", "visible", "x"]), t), [
    "ouvert",
    "rétablie : x",
  ]);
  assert.deepEqual(changes(state(true, ["a", "visible", "x"]), state(true, ["a", "merged", "x"]), t), [
    "regroupée : x",
  ]);
  assert.deepEqual(changes(state(true, ["a", "visible", "x"]), state(true, ["a", "visible", "y", true]), t), [
    "corrigée : y",
  ]);
  assert.deepEqual(changes(state(true, ["a", "pending", "x"]), state(true, ["a", "failed", "x"]), t), ["échec : x"]);
  assert.deepEqual(changes(state(true), state(true, ["b", "pending", "new"]), t), []); // a new draft: nothing
  assert.deepEqual(changes(state(true, ["a", "visible", "x"]), state(true, ["a", "visible", "x"]), t), []);
}

console.log("i18n ok");
