/**
 * The projector's full-screen slides, one per moment of the morning that
 * has no board to show (docs/morning.md, "The room screen"):
 * - join: while joining is open and the round tables have not started: a
 *   welcome or talks phase, or no phase and no idea yet (QR code, address,
 *   code, how many people joined);
 * - voting: while a table's voting is open and no result is on screen
 *   (what to do, voters so far, time left);
 * - break: the break phase (resume time from the agenda's timer);
 * - closing: the closing phase.
 * Otherwise none: the boards, the vote results or the restitution show
 * (the restitution wins over every slide; break and closing over the results).
 * body[data-slide] says which (projector.css hides the rest).
 */
import { h } from "./dom.js";
import { currentEntry, remainingMs, formatCountdown } from "./phase-state.js";
import { currentPosition } from "./restitution.js";

export function mountSlides(root, { store, clock, t, config }) {
  let current = "";
  const countdowns = [];
  function kindNow() {
    if (!store.loaded) return "none";
    const body = document.body.dataset;
    if (currentPosition(store)) return "none";
    const entry = currentEntry(store.agenda, store.phase);
    const kind = entry ? entry.kind : null;
    if (kind === "break") return "break";
    if (kind === "closing") return "closing";
    if (body.results === "on") return "none";
    if (store.tables.some((table) => table.voting_open)) return "voting";
    // Before the round tables: the welcome and talks, or no phase yet while no idea is posted.
    if (store.workshop.joining_open && (["welcome", "talks"].includes(kind) || (!kind && store.ideas.size === 0)))
      return "join";
    return "none";
  }

  function update() {
    const kind = kindNow();
    document.body.dataset.slide = kind;
    root.hidden = kind === "none";
    if (kind === "none") {
      current = "";
      return;
    }
    const before = countdowns.length;
    const { nodes, sig } = build(kind);
    if (sig !== current) {
      current = sig;
      root.dataset.kind = kind;
      countdowns.splice(0, before); // keep the countdowns of the nodes now shown
      root.replaceChildren(...nodes);
    } else {
      countdowns.splice(before); // this build's nodes are dropped
    }
    tick();
  }

  function left() {
    return remainingMs(store.phase, clock.now());
  }

  function countdown() {
    const el = h("p", { class: "slide-countdown", role: "timer" });
    countdowns.push(el);
    return el;
  }

  function tick() {
    const ms = left();
    for (const el of countdowns) {
      const text = ms === null ? "" : formatCountdown(ms);
      if (el.textContent !== text) el.textContent = text;
      el.hidden = ms === null;
    }
  }

  function build(kind) {
    const entry = currentEntry(store.agenda, store.phase);
    const title = store.workshop.title || "";
    if (kind === "join") {
      const joined = store.participants.size;
      const url = String(store.workshop.join_url || "").replace(/^https?:\/\//, "");
      const code = store.workshop.code || config.code || "";
      return {
        sig: JSON.stringify([kind, joined, url, code, store.workshop.qr_url, title]),
        nodes: [
          h(
            "div",
            { class: "slide-join" },
            h("img", {
              class: "slide-qr",
              src: store.workshop.qr_url || "",
              alt: t("projector.qr_alt"),
              width: 480,
              height: 480,
            }),
            h(
              "div",
              { class: "slide-join-text" },
              h("h2", { class: "slide-title", text: t("projector.join_heading") }),
              h("p", { class: "slide-label", text: t("projector.join_address") }),
              h("p", { class: "slide-url", text: url }),
              h("p", { class: "slide-label", text: t("projector.join_code") }),
              h("p", { class: "slide-code", text: code }),
              h("p", {
                class: "slide-joined",
                dataset: { count: String(joined) },
                text: t.plural("projector.joined", joined),
              }),
            ),
          ),
        ],
      };
    }
    if (kind === "voting") {
      let voters = 0;
      for (const table of store.tables) {
        const votes = store.votes && store.votes.get(table.id);
        if (table.voting_open && votes) voters += votes.voters || 0;
      }
      const perPerson = (store.voteSettings && store.voteSettings.votes_per_person) || 3;
      return {
        sig: JSON.stringify([kind, voters, perPerson, entry && entry.title]),
        nodes: [
          h("h2", { class: "slide-title slide-title-xl", text: t("projector.vote_heading") }),
          h("p", { class: "slide-lead", text: t.plural("projector.vote_how", perPerson) }),
          h("p", {
            class: "slide-voters",
            dataset: { count: String(voters) },
            text: t.plural("projector.voters", voters),
          }),
          countdown(),
        ],
      };
    }
    if (kind === "break") {
      const ms = left();
      const resume =
        ms === null
          ? ""
          : new Date(clock.now() + ms).toLocaleTimeString(config.lang || "fr", { hour: "2-digit", minute: "2-digit" });
      const minute = resume ? resume : "";
      return {
        sig: JSON.stringify([kind, minute, entry && entry.title, store.phase.paused]),
        nodes: [
          h("h2", { class: "slide-title slide-title-xl", text: entry ? entry.title : t("projector.break_heading") }),
          resume ? h("p", { class: "slide-resume", text: t("projector.resume_at", { time: resume }) }) : null,
          countdown(),
        ],
      };
    }
    // closing
    return {
      sig: JSON.stringify([kind, title, entry && entry.title, entry && entry.description]),
      nodes: [
        h("p", { class: "slide-kicker", text: title }),
        h("h2", { class: "slide-title slide-title-xl", text: t("projector.thanks") }),
        entry ? h("p", { class: "slide-lead", text: entry.title }) : null,
        entry && entry.description ? h("p", { class: "slide-note", text: entry.description }) : null,
      ],
    };
  }

  setInterval(() => {
    if (!root.hidden) update();
  }, 1000);
  return { update };
}
