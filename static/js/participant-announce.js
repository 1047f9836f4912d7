/**
 * Screen-reader announcements of what changes on the participant's own ideas
 * and at their table, in a polite live region (#status-live, visually hidden):
 * "published", "hidden by the facilitator", "restored", "merged", "corrected
 * by the facilitator", "could not be sent", and posting opening or closing.
 *
 * The first render only records the state (reloading the page announces
 * nothing); afterwards each change is compared with the previous render.
 */

const SHORT = 40;

function short(text) {
  const clean = String(text || "")
    .replace(/\s+/g, " ")
    .trim();
  return clean.length > SHORT ? `${clean.slice(0, SHORT - 1)}…` : clean;
}

/** The announcements between two renders (pure, for the tests and for announce()). */
export function changes(before, after, t) {
  const out = [];
  if (before === null) return out;
  if (before.open !== null && after.open !== null && before.open !== after.open) {
    out.push(t(after.open ? "participant.status_posting_open" : "participant.status_posting_closed"));
  }
  for (const [id, now] of after.ideas) {
    const was = before.ideas.get(id);
    if (!was) continue;
    const text = short(now.text);
    if (was.state !== now.state) {
      const key = {
        "pending>visible": "participant.status_published",
        "pending>failed": "participant.status_failed",
        "failed>visible": "participant.status_published",
        "visible>hidden": "participant.status_hidden",
        "hidden>visible": "participant.status_restored",
        "visible>merged": "participant.status_merged",
        "hidden>merged": "participant.status_merged",
      }[`${was.state}>${now.state}`];
      if (key) out.push(t(key, { text }));
    } else if (!was.corrected && now.corrected) {
      out.push(t("participant.status_corrected", { text }));
    }
  }
  return out;
}

/** announce(views, postingOpen): compare with the last render and speak the differences. */
export function makeAnnouncer(region, t) {
  let previous = null;
  let timer = null;
  return function announce(views, postingOpen) {
    const current = {
      open: typeof postingOpen === "boolean" ? postingOpen : null,
      ideas: new Map(views.map((v) => [v.id, { state: v.state, corrected: Boolean(v.corrected), text: v.text }])),
    };
    const said = changes(previous, current, t);
    previous = current;
    if (!region || said.length === 0) return;
    // Empty first, then fill: the same sentence twice in a row is still announced.
    region.textContent = "";
    clearTimeout(timer);
    timer = setTimeout(() => {
      region.textContent = said.join(" ");
    }, 100);
  };
}
