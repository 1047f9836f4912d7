/**
 * The agenda on every screen (docs/morning.md, "Agenda and timers"):
 *   - the projector's current step and large countdown, with a discreet cue
 *     (and an optional sound) when time is up;
 *   - the console's phase controls (start, previous, next, pick a step,
 *     pause/resume, +1, +5 min), read-only for a table facilitator;
 *   - the phone's "what to do now" banner, in an aria-live region.
 * Countdowns are computed from the server's clock as estimated by timer.js
 * and tick on the server's whole seconds, so every screen changes digit at
 * the same moment. User text (phase titles come from the organiser's file)
 * only goes through textContent.
 */
import { h, show } from "./dom.js";
import { setText, setBlocked } from "./staff-ui.js";
import { createConfirmBar } from "./confirm-bar.js";
import {
  currentEntry,
  formatCountdown,
  instruction,
  msToNextSecond,
  neighbours,
  phaseIndex,
  remainingMs,
  timerState,
} from "./phase-state.js";

/**
 * Call `fn` now, then every time the displayed second changes (aligned on
 * the server's clock), and whenever the clock's estimate changes. Returns
 * {kick()} to run it again at once (after a state change).
 */
export function startTicker(clock, store, fn) {
  let handle = null;
  const loop = () => {
    clearTimeout(handle);
    try {
      fn();
    } catch (err) {
      console.error(err);
    }
    const phase = store.phase;
    const ms = phase && phase.ends_at ? remainingMs(phase, clock.now()) : null;
    // A few ms past the boundary, so the next display shows the new second.
    handle = setTimeout(loop, ms === null ? 1000 : msToNextSecond(ms) + 20);
  };
  clock.subscribe(loop);
  loop();
  return { kick: loop };
}

/**
 * The optional end-of-phase sound, made with WebAudio (no file to download).
 * Browsers only let a page play sound after a click on that page, so the
 * switch lives on the page that plays it (the projector, or the console) and
 * is remembered in localStorage.
 */
export function createSound(storageKey) {
  let ctx = null;
  let on = false;
  try {
    on = localStorage.getItem(storageKey) === "on";
  } catch (_err) {
    on = false;
  }
  const context = () => {
    const Ctx = globalThis.AudioContext || globalThis.webkitAudioContext;
    if (!ctx && Ctx) ctx = new Ctx();
    if (ctx && ctx.state === "suspended") ctx.resume().catch(() => {});
    return ctx;
  };
  // A remembered "on" needs one click anywhere on the page to unlock audio.
  if (on) document.addEventListener("pointerdown", context, { once: true });
  return {
    get on() {
      return on;
    },
    toggle() {
      on = !on;
      try {
        localStorage.setItem(storageKey, on ? "on" : "off");
      } catch (_err) {
        /* private browsing: the choice lasts for this page only */
      }
      if (on) context();
      return on;
    },
    /** Three soft descending notes. */
    play() {
      if (!on) return;
      const audio = context();
      if (!audio) return;
      const start = audio.currentTime + 0.05;
      [880, 740, 587].forEach((freq, i) => {
        const osc = audio.createOscillator();
        const gain = audio.createGain();
        osc.type = "sine";
        osc.frequency.value = freq;
        const at = start + i * 0.35;
        gain.gain.setValueAtTime(0.0001, at);
        gain.gain.exponentialRampToValueAtTime(0.25, at + 0.03);
        gain.gain.exponentialRampToValueAtTime(0.0001, at + 0.6);
        osc.connect(gain).connect(audio.destination);
        osc.start(at);
        osc.stop(at + 0.65);
      });
    },
  };
}

/** Remembers the last timer state and says when time just ran out (not when a page opens on it). */
function endWatcher() {
  let previous = null;
  return (state, key) => {
    const ended =
      state === "over" &&
      previous !== null &&
      previous.key === key &&
      (previous.state === "running" || previous.state === "ending");
    previous = { state, key };
    return ended;
  };
}

/** The sound switch: "♪" alone on the projector, "♪ Son de fin" on the console (`withText`). */
function soundButton(sound, t, withText = false) {
  const button = h("button", { type: "button", class: "phase-sound", "aria-pressed": String(sound.on) });
  const render = () => {
    const label = sound.on ? t("phase.sound_on") : t("phase.sound_off");
    button.setAttribute("aria-pressed", String(sound.on));
    button.title = label;
    if (withText) {
      button.textContent = `♪ ${t("phase.sound")}`;
    } else {
      button.setAttribute("aria-label", label);
      button.textContent = "♪";
    }
  };
  button.addEventListener("click", () => {
    sound.toggle();
    render();
  });
  render();
  return button;
}

/** The countdown element's text, state and accessible label. */
function renderCountdown(el, phase, ms, t) {
  const state = timerState(phase, ms);
  setText(el, formatCountdown(ms));
  el.dataset.state = state;
  const label =
    state === "paused"
      ? `${t("phase.remaining")} ${formatCountdown(ms)}, ${t("phase.paused")}`
      : state === "over"
        ? t("phase.over")
        : `${t("phase.remaining")} ${formatCountdown(ms)}`;
  if (el.getAttribute("aria-label") !== label) el.setAttribute("aria-label", label);
  return state;
}

function statusText(state, t) {
  if (state === "paused") return t("phase.paused");
  if (state === "over") return t("phase.over");
  return "";
}

// -- projector ---------------------------------------------------------------

/** The room screen's step and large countdown, inside `root` (empty, hidden until a phase runs). */
export function mountProjectorPhase(root, { store, clock, t, code }) {
  const step = h("p", { class: "phase-step" });
  const title = h("p", { class: "phase-title" });
  const status = h("p", { class: "phase-status" });
  const countdown = h("p", { class: "phase-countdown", role: "timer" });
  const sound = createSound(`facilitator:sound:projector:${code}`);
  root.replaceChildren(h("div", { class: "phase-info" }, step, title, status), countdown, soundButton(sound, t));
  const ended = endWatcher();
  const update = () => {
    if (!store.loaded) return;
    const entry = currentEntry(store.agenda, store.phase);
    show(root, Boolean(entry));
    if (!entry) return;
    const ms = remainingMs(store.phase, clock.now());
    const state = renderCountdown(countdown, store.phase, ms, t);
    root.dataset.state = state;
    root.dataset.kind = entry.kind;
    setText(step, t("phase.step", { n: phaseIndex(store.agenda, store.phase) + 1, total: store.agenda.length }));
    setText(title, entry.title);
    setText(status, statusText(state, t));
    if (ended(state, entry.key)) {
      root.classList.remove("is-ending-cue");
      void root.offsetWidth; // restart the CSS animation
      root.classList.add("is-ending-cue");
      sound.play();
    }
  };
  const ticker = startTicker(clock, store, update);
  return { update: ticker.kick };
}

// -- console -------------------------------------------------------------------

/**
 * The console's agenda panel. `lead`: this console may change phases (a
 * table facilitator's console shows the same panel read-only).
 * run(key, name, payload) sends a command (console.js: one at a time per key,
 * refusals shown in the alert area); busy: the keys in flight.
 */
export function mountConsolePhase(root, { store, clock, t, run, busy, lead, code, isConnected }) {
  const step = h("p", { class: "phase-step" });
  const title = h("p", { class: "phase-title" });
  const status = h("p", { class: "phase-status" });
  const countdown = h("p", { class: "phase-countdown", role: "timer" });
  const previous = h("button", { type: "button", class: "btn btn-secondary", dataset: { phaseAction: "previous" } });
  const next = h("button", { type: "button", class: "btn btn-primary", dataset: { phaseAction: "next" } });
  const pause = h("button", { type: "button", class: "btn btn-secondary", dataset: { phaseAction: "pause" } });
  const plus1 = h("button", {
    type: "button",
    class: "btn btn-secondary",
    dataset: { phaseAction: "extend", minutes: "1" },
    "aria-label": t("phase.extend_label", { n: 1 }),
    text: t("phase.extend", { n: 1 }),
  });
  const plus5 = h("button", {
    type: "button",
    class: "btn btn-secondary",
    dataset: { phaseAction: "extend", minutes: "5" },
    "aria-label": t("phase.extend_label", { n: 5 }),
    text: t("phase.extend", { n: 5 }),
  });
  const sound = createSound(`facilitator:sound:console:${code}`);
  const agendaList = h("ol", { class: "phase-agenda" });
  const controls = lead
    ? h(
        "div",
        { class: "phase-buttons", role: "group", "aria-label": t("phase.agenda") },
        previous,
        next,
        pause,
        plus1,
        plus5,
        soundButton(sound, t, true),
      )
    : h("p", { class: "phase-lead-only", text: t("phase.lead_only") });
  // Moves that change every screen at once and are easy to click by mistake ask first (confirm-bar.js):
  // jumping over steps from the agenda strip, and ending the agenda. Next / previous go at once.
  const confirm = createConfirmBar(t, "phase-confirm");
  // (replaceChildren writes a null argument as the text "null": leave the bar out instead.)
  root.replaceChildren(
    h("div", { class: "phase-now" }, h("div", { class: "phase-info" }, step, title, status), countdown),
    controls,
    ...(lead ? [confirm.el] : []),
    agendaList,
  );
  const ended = endWatcher();

  const go = (key) => run("phase", "set_phase", { key });
  const ask = (text, yesLabel, key, opener) =>
    confirm.ask({
      text,
      yesLabel,
      opener,
      token: store.phase.key ?? "",
      onYes: () => go(key),
    });
  root.addEventListener("click", (event) => {
    const button = event.target.closest("button[data-phase-action], button[data-phase-key]");
    if (!button || !lead || button.getAttribute("aria-disabled") === "true") return;
    if (button.dataset.phaseKey !== undefined) {
      const key = button.dataset.phaseKey;
      if (key === store.phase.key) return;
      const from = phaseIndex(store.agenda, store.phase);
      const to = store.agenda.findIndex((entry) => entry.key === key);
      if (to < 0 || Math.abs(to - from) <= 1) go(key);
      else if (to > from) {
        ask(
          t.plural("phase.confirm_skip", to - from - 1, { title: store.agenda[to].title }),
          t("phase.confirm_go"),
          key,
          button,
        );
      } else ask(t("phase.confirm_back", { title: store.agenda[to].title }), t("phase.confirm_go"), key, button);
      return;
    }
    const around = neighbours(store.agenda, store.phase);
    switch (button.dataset.phaseAction) {
      case "previous":
        if (around.previous) go(around.previous.key);
        break;
      case "next":
        // After the last step, "next" ends the agenda (no current phase).
        if (around.next) go(around.next.key);
        else if (store.phase.key) ask(t("phase.confirm_finish"), t("phase.finish"), null, button);
        break;
      case "pause":
        run("timer", store.phase.paused ? "resume_timer" : "pause_timer", {});
        break;
      case "extend":
        run("timer", "extend_timer", { minutes: Number(button.dataset.minutes) });
        break;
      default:
    }
  });

  const update = () => {
    if (!store.loaded) return;
    const phase = store.phase;
    const entry = currentEntry(store.agenda, phase);
    const index = phaseIndex(store.agenda, phase);
    const ms = remainingMs(phase, clock.now());
    const state = renderCountdown(countdown, phase, ms, t);
    root.dataset.state = state;
    show(countdown, Boolean(entry));
    setText(step, entry ? t("phase.step", { n: index + 1, total: store.agenda.length }) : t("phase.agenda"));
    setText(title, entry ? entry.title : t("phase.not_started"));
    setText(status, statusText(state, t));
    if (entry && ended(state, entry.key)) sound.play();
    confirm.stale(phase.key ?? ""); // the step changed meanwhile: the question no longer holds

    if (lead) {
      const connected = isConnected();
      const phaseBusy = busy.has("phase");
      const timerBusy = busy.has("timer");
      const around = neighbours(store.agenda, phase);
      setText(previous, t("phase.previous"));
      show(previous, Boolean(entry));
      setBlocked(previous, !connected || phaseBusy || !around.previous);
      setText(next, !phase.key ? t("phase.start") : around.next ? t("phase.next") : t("phase.finish"));
      setBlocked(next, !connected || phaseBusy || store.agenda.length === 0);
      setText(pause, phase.paused ? t("phase.resume") : t("phase.pause"));
      pause.setAttribute("aria-pressed", String(Boolean(phase.paused)));
      for (const button of [pause, plus1, plus5]) {
        show(button, Boolean(phase.key));
        setBlocked(button, !connected || timerBusy);
      }
    }
    renderAgenda(agendaList, store, index, lead, t);
  };
  const ticker = startTicker(clock, store, update);
  return { update: ticker.kick };
}

function renderAgenda(list, store, index, lead, t) {
  const sig = JSON.stringify([store.agenda, index, lead]);
  if (list._sig === sig) return;
  list._sig = sig;
  const focusedKey =
    document.activeElement && list.contains(document.activeElement)
      ? document.activeElement.dataset.phaseKey
      : undefined;
  list.replaceChildren(
    ...store.agenda.map((entry, i) => {
      const current = i === index;
      const label = [
        h("span", { class: "phase-agenda-title", text: entry.title }),
        h("span", { class: "phase-agenda-minutes", text: t("phase.minutes", { n: entry.minutes }) }),
      ];
      const body = lead
        ? h(
            "button",
            {
              type: "button",
              class: "phase-agenda-item",
              dataset: { phaseKey: entry.key },
              "aria-current": current ? "step" : null,
              title: t("phase.go_to", { title: entry.title }),
            },
            label,
          )
        : h("span", { class: "phase-agenda-item", "aria-current": current ? "step" : null }, label);
      return h(
        "li",
        { class: current ? "is-current" : i < index ? "is-done" : "", dataset: { kind: entry.kind } },
        body,
      );
    }),
  );
  if (focusedKey !== undefined) {
    const again = list.querySelector(`[data-phase-key="${CSS.escape(focusedKey)}"]`);
    if (again) again.focus({ preventScroll: true });
  }
}

// -- participant -------------------------------------------------------------------

/**
 * The phone's "what to do now" banner. The instruction is in a polite live
 * region (announced when it changes); the countdown next to it is not, or a
 * screen reader would read it every second.
 */
export function mountParticipantBanner(root, { store, clock, t }) {
  const title = h("p", { class: "phase-banner-title" });
  const countdown = h("span", { class: "phase-banner-countdown", role: "timer" });
  const todo = h("p", { class: "phase-banner-do", role: "status", "aria-live": "polite" });
  // "En pause" / "Temps écoulé" in words, not only as a frozen or red countdown.
  const status = h("span", { class: "phase-banner-status" });
  root.replaceChildren(
    h("div", { class: "phase-banner-head" }, title, h("span", { class: "phase-banner-clock" }, status, countdown)),
    todo,
  );
  const update = () => {
    if (!store.loaded) return;
    const entry = currentEntry(store.agenda, store.phase);
    const appearing = root.hidden && Boolean(entry);
    show(root, Boolean(entry));
    const what = instruction(entry, store.table());
    // A live region that appears with its text is often not announced: fill it just after.
    if (appearing) setTimeout(update, 150);
    else setText(todo, what ? t(what.key, what.vars) : "");
    if (!entry) return;
    root.dataset.kind = entry.kind;
    setText(title, entry.title);
    const ms = remainingMs(store.phase, clock.now());
    root.dataset.state = renderCountdown(countdown, store.phase, ms, t);
    setText(status, statusText(root.dataset.state, t));
    status.hidden = !status.textContent;
  };
  const ticker = startTicker(clock, store, update);
  return { update: ticker.kick };
}
