// Unit tests of the agenda and timer logic (run by tests/unit/test_js_phase.py with Node):
// the NTP-style clock offset, countdown maths, and the reducers' phase events.
import assert from "node:assert/strict";
import { offsetSample, bestSample, ServerClock } from "../../static/js/timer.js";
import {
  NO_PHASE,
  normalisePhase,
  remainingMs,
  timerState,
  formatCountdown,
  msToNextSecond,
  neighbours,
  phaseIndex,
  instruction,
} from "../../static/js/phase-state.js";
import { createStaffStore } from "../../static/js/staff-state.js";
import { createParticipantStore } from "../../static/js/participant-state.js";

// Offset: a client 120 s behind the server, 80 ms round trip, symmetric delays.
{
  const s = offsetSample(1_000_000, 1_120_040, 1_000_080);
  assert.equal(s.rtt, 80);
  assert.equal(s.offset, 120_000);
  // Asymmetric delay: the error is at most rtt / 2.
  const skewed = offsetSample(1_000_000, 1_120_070, 1_000_080); // answer left the server 70 ms in
  assert.ok(Math.abs(skewed.offset - 120_000) <= skewed.rtt / 2);
  assert.equal(bestSample([]), null);
  assert.deepEqual(
    bestSample([
      { offset: 5, rtt: 300 },
      { offset: 7, rtt: 20 },
      { offset: 9, rtt: 40 },
      { offset: 1, rtt: -1 },
    ]),
    { offset: 7, rtt: 20 },
  );
}

// ServerClock: several samples, the shortest round trip wins; failures are skipped.
{
  let local = 50_000;
  const serverAhead = 90_000; // the server's clock is 90 s ahead of this device
  const delays = [
    [200, 300],
    [10, 10],
    [5, 400],
    [40, 40],
  ]; // [to server, back] per call
  let call = 0;
  const command = async (name) => {
    assert.equal(name, "time");
    const [up, down] = delays[call % delays.length];
    call += 1;
    local += up;
    const serverNow = local + serverAhead;
    local += down;
    return { ok: true, server_now: serverNow };
  };
  const clock = new ServerClock(command, { now: () => local, samples: 4 });
  assert.equal(clock.offset, 0);
  let notified = 0;
  clock.subscribe(() => {
    notified += 1;
  });
  assert.equal(await clock.sync(), true);
  assert.equal(call, 4);
  assert.equal(clock.rtt, 20);
  assert.equal(clock.offset, serverAhead); // the symmetric 10/10 sample is exact
  assert.equal(clock.now(), local + serverAhead);
  assert.equal(notified, 1);
  // Not connected: no measure, the previous estimate is kept.
  const offline = new ServerClock(async () => ({ ok: false, error: "not_connected" }), { now: () => 0 });
  assert.equal(await offline.sync(), false);
  assert.equal(offline.offset, 0);
}

// Countdown maths.
{
  const now = Date.parse("2026-03-12T10:00:00.000Z");
  const running = normalisePhase({
    key: "tables",
    started_at: "2026-03-12T09:50:00.000Z",
    ends_at: "2026-03-12T10:05:00.500Z",
    remaining_s: null,
    paused: false,
  });
  assert.equal(remainingMs(running, now), 300_500);
  assert.equal(formatCountdown(300_500), "05:01"); // rounded up: 00:00 only when time is up
  assert.equal(formatCountdown(300_000), "05:00");
  assert.equal(formatCountdown(1), "00:01");
  assert.equal(formatCountdown(0), "00:00");
  assert.equal(formatCountdown(4_500_000), "1:15:00");
  assert.equal(formatCountdown(null), "--:--");
  assert.equal(timerState(running, 300_500), "running");
  assert.equal(timerState(running, 60_000), "ending");
  assert.equal(timerState(running, remainingMs(running, now + 400_000)), "over");
  assert.equal(remainingMs(running, now + 400_000), 0);
  assert.equal(msToNextSecond(300_500), 500);
  assert.equal(msToNextSecond(300_000), 1000);
  const paused = normalisePhase({ key: "tables", ends_at: null, remaining_s: 42, paused: true });
  assert.equal(remainingMs(paused, now), 42_000);
  assert.equal(remainingMs(paused, now + 999_999), 42_000); // a paused timer does not move
  assert.equal(timerState(paused, 42_000), "paused");
  assert.equal(remainingMs(NO_PHASE, now), null);
  assert.equal(timerState(NO_PHASE, null), "idle");
  assert.deepEqual(normalisePhase(undefined), { ...NO_PHASE });
}

// Agenda navigation and the phone's instruction.
{
  const agenda = [
    { key: "a", kind: "welcome", title: "A" },
    { key: "b", kind: "round_tables", title: "B" },
    { key: "c", kind: "voting", title: "C" },
  ];
  assert.deepEqual(neighbours(agenda, NO_PHASE), { previous: null, next: agenda[0] });
  assert.deepEqual(neighbours(agenda, { key: "b" }), { previous: agenda[0], next: agenda[2] });
  assert.deepEqual(neighbours(agenda, { key: "c" }), { previous: agenda[1], next: null });
  assert.equal(phaseIndex(agenda, { key: "gone" }), -1);
  assert.deepEqual(instruction(agenda[1], { number: 2, posting_open: true }), {
    key: "phase.do.round_tables",
    vars: { n: 2 },
  });
  assert.equal(instruction(agenda[1], { number: 2, posting_open: false }).key, "phase.do.round_tables_closed");
  assert.equal(instruction(agenda[1], null).key, "phase.do.choose_table");
  assert.equal(instruction(agenda[2], { number: 1, voting_open: true }).key, "phase.do.voting");
  assert.equal(instruction(agenda[2], { number: 1, voting_open: false }).key, "phase.do.voting_closed");
  assert.equal(instruction(null, null), null);
}

// Reducers: snapshot then phase_changed / timer_changed, on both stores.
{
  const agenda = [{ key: "tables", kind: "round_tables", title: "Tables", minutes: 75, description: "" }];
  const phase = {
    key: "tables",
    started_at: "2026-03-12T09:00:00.000Z",
    ends_at: "2026-03-12T10:15:00.000Z",
    remaining_s: null,
    paused: false,
  };
  const staff = createStaffStore("projector");
  staff.reset({ workshop: { code: "X" }, tables: [], participants: [], ideas: [], agenda, phase: null });
  assert.equal(staff.phase.key, null);
  assert.equal(staff.agenda.length, 1);
  staff.apply({ type: "phase_changed", data: { phase } });
  assert.equal(staff.phase.ends_at, phase.ends_at);
  staff.apply({ type: "timer_changed", data: { phase: { ...phase, ends_at: null, remaining_s: 100, paused: true } } });
  assert.equal(staff.phase.paused, true);
  assert.equal(staff.phase.remaining_s, 100);
  const me = createParticipantStore();
  me.reset({
    workshop: { code: "X" },
    me: { id: 1, table_id: 1 },
    tables: [{ id: 1, number: 1 }],
    my_ideas: [],
    table_ideas: [],
    agenda,
    phase,
  });
  assert.equal(me.phase.key, "tables");
  me.apply({ type: "phase_changed", data: { phase: { key: null } } });
  assert.equal(me.phase.key, null);
}

console.log("phase ok");
