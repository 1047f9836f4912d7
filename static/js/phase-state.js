/**
 * The agenda and the current phase's timer, as pure data (docs/protocol.md,
 * "Agenda and timer"; docs/morning.md, "Agenda and timers").
 *
 * A phase state is {key, started_at, ends_at, remaining_s, paused}: while the
 * timer runs, `ends_at` is an absolute server time; while paused,
 * `remaining_s` holds what is left. The countdown is computed from the
 * server's clock as the page estimates it (timer.js), so every screen shows
 * the same number. No DOM here: tested in Node.
 */

export const NO_PHASE = Object.freeze({ key: null, started_at: null, ends_at: null, remaining_s: null, paused: false });
/** The countdown turns to its "ending" look in the last minute. */
export const ENDING_MS = 60 * 1000;

/** A phase state with every field present (a server without phases sends none). */
export function normalisePhase(phase) {
  if (!phase || typeof phase !== "object" || !phase.key) return { ...NO_PHASE };
  return {
    key: String(phase.key),
    started_at: phase.started_at ?? null,
    ends_at: phase.ends_at ?? null,
    remaining_s: typeof phase.remaining_s === "number" ? phase.remaining_s : null,
    paused: Boolean(phase.paused),
  };
}

/** Index of the current phase in the agenda (-1: none, or a key the agenda no longer has). */
export function phaseIndex(agenda, phase) {
  if (!phase || !phase.key) return -1;
  return (agenda || []).findIndex((entry) => entry.key === phase.key);
}

/** The agenda entry {key, title, kind, minutes, description} of the current phase, or null. */
export function currentEntry(agenda, phase) {
  const index = phaseIndex(agenda, phase);
  return index >= 0 ? agenda[index] : null;
}

/** The phases before and after the current one (before the start, "next" is the first phase). */
export function neighbours(agenda, phase) {
  const list = agenda || [];
  const index = phaseIndex(list, phase);
  if (index < 0) return { previous: null, next: list[0] || null };
  return { previous: list[index - 1] || null, next: list[index + 1] || null };
}

/**
 * Milliseconds left on the timer at server time `serverNowMs`; null without a
 * phase. Never negative: a running timer past its end shows 0.
 */
export function remainingMs(phase, serverNowMs) {
  if (!phase || !phase.key) return null;
  if (phase.ends_at) {
    const end = Date.parse(phase.ends_at);
    return Number.isFinite(end) ? Math.max(0, end - serverNowMs) : null;
  }
  return typeof phase.remaining_s === "number" ? Math.max(0, phase.remaining_s * 1000) : null;
}

/** "idle" (no phase) | "paused" | "running" | "ending" (last minute) | "over" (time is up). */
export function timerState(phase, ms) {
  if (!phase || !phase.key || ms === null) return "idle";
  if (!phase.ends_at) return "paused";
  if (ms <= 0) return "over";
  return ms <= ENDING_MS ? "ending" : "running";
}

/**
 * "mm:ss" (or "h:mm:ss" from one hour), whole seconds rounded up, so the
 * display reaches 00:00 exactly when time is up.
 */
export function formatCountdown(ms) {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return "--:--";
  const total = Math.max(0, Math.ceil(ms / 1000));
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = total % 60;
  const pad = (n) => String(n).padStart(2, "0");
  return hours ? `${hours}:${pad(minutes)}:${pad(seconds)}` : `${pad(minutes)}:${pad(seconds)}`;
}

/** Milliseconds until the displayed second changes (to tick in step with every other screen). */
export function msToNextSecond(ms) {
  if (ms === null || ms <= 0) return 1000;
  const rest = ms % 1000;
  return rest === 0 ? 1000 : rest;
}

/**
 * What a participant should do now, as a catalogue key and its variables
 * (the phase.do strings), or null without a phase: by the phase's kind,
 * and for round tables and voting by what is open at their own table.
 */
export function instruction(entry, table) {
  if (!entry) return null;
  const n = table ? table.number : "";
  switch (entry.kind) {
    case "round_tables":
      if (!table) return { key: "phase.do.choose_table", vars: {} };
      return { key: table.posting_open ? "phase.do.round_tables" : "phase.do.round_tables_closed", vars: { n } };
    case "voting":
      if (table && table.voting_open === false) return { key: "phase.do.voting_closed", vars: { n } };
      return { key: "phase.do.voting", vars: { n } };
    default:
      if (SIMPLE[entry.kind]) return { key: SIMPLE[entry.kind], vars: { n } };
      return { key: "phase.do.other", vars: { title: entry.title || "" } };
  }
}

/** The instruction of the kinds that do not depend on the table (keys spelt out for the catalogue check). */
const SIMPLE = {
  welcome: "phase.do.welcome",
  talks: "phase.do.talks",
  plenary: "phase.do.plenary",
  break: "phase.do.break",
  closing: "phase.do.closing",
};
