/**
 * The lead's hold on the projector's pages (console bar): "◀" and "▶" turn
 * the projector one page back or forward, "Figer" / "Reprendre" hold or
 * release its rotation (set_projector_rotation; the projector says
 * "Rotation en pause" while held). A table console has no bar.
 * Selectors: #rotation-previous, #rotation-pause[aria-pressed], #rotation-next.
 */
import { setBlocked, setText } from "./staff-ui.js";

export function mountProjectorRotation({ store, t, run, busy }) {
  const $ = (id) => document.getElementById(id);
  const previous = $("rotation-previous");
  const pause = $("rotation-pause");
  const next = $("rotation-next");
  if (!pause) return { update() {} };
  const send = (payload) => run("rotation", "set_projector_rotation", payload);
  const blocked = (el) => el.getAttribute("aria-disabled") === "true";
  previous.addEventListener("click", () => blocked(previous) || send({ step: "previous" }));
  next.addEventListener("click", () => blocked(next) || send({ step: "next" }));
  pause.addEventListener("click", () => blocked(pause) || send({ paused: !store.workshop.projector_paused }));
  return {
    update(connected) {
      const paused = Boolean(store.workshop.projector_paused);
      setText(pause, paused ? t("console.rotation_resume") : t("console.rotation_pause"));
      pause.title = paused ? t("console.rotation_resume_title") : t("console.rotation_pause_title");
      pause.setAttribute("aria-pressed", String(paused));
      for (const el of [previous, pause, next]) setBlocked(el, !connected || busy.has("rotation"));
    },
  };
}
