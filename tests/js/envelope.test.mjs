// The envelope rule of docs/protocol.md, as the browser applies it, against
// the shared cases that tests/reference_client.py is checked against too.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { classify } from "../../static/js/envelope.js";

const { cases } = JSON.parse(readFileSync(new URL("../data/envelope_rule.json", import.meta.url), "utf8"));
assert.ok(cases.length >= 5);
for (const c of cases) assert.equal(classify({ seq: c.seq, prev: c.prev }, c.last), c.expect, c.why);
console.log(`envelope rule ok (${cases.length} cases)`);
