/**
 * The console puts first what the current phase is about, so a facilitator
 * does not scroll past idle panels to reach the boards: the restitution
 * remote during a plenary, the votes during a voting phase, the boards
 * otherwise (before the start, round tables, breaks). The small tables panel
 * (seating; "Vous animez la table N" for a table facilitator) stays just
 * above the boards.
 *
 * The sections are moved in the DOM rather than with CSS `order`, so the
 * keyboard's Tab order follows what is seen (WCAG 2.4.3). They move only
 * when the phase's kind changes, and the focused control keeps its focus.
 */
const ORDERS = {
  plenary: ["remote", "tables-panel", "boards", "votes-panel"],
  voting: ["votes-panel", "tables-panel", "boards", "remote"],
  other: ["tables-panel", "boards", "votes-panel", "remote"],
};

/** Move the sections (after `anchor`) into the order of the phase `kind` (null before the start). */
export function arrangeConsole(anchor, kind, doc = document) {
  const name = ORDERS[kind] ? kind : "other";
  if (!anchor || anchor.dataset.arranged === name) return;
  anchor.dataset.arranged = name;
  const nodes = ORDERS[name].map((id) => doc.getElementById(id)).filter(Boolean);
  const active = doc.activeElement;
  anchor.after(...nodes);
  if (active && active !== doc.activeElement && doc.contains(active) && typeof active.focus === "function") {
    active.focus({ preventScroll: true });
  }
}
