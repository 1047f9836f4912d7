/**
 * What the projector and the console share: a staff store kept live over the
 * socket, the connection pill, a fatal message when the key is refused, and a
 * render scheduled (once per frame) on every change.
 */
import { makeScheduler, show } from "./dom.js";
import { connectLive, bindConnStatus } from "./live.js";
import { STAFF_RECONNECT } from "./live-core.js";
import { createStaffStore } from "./staff-state.js";

/** Start a staff page; `render` is called (batched) whenever state or status changes. */
export function startStaffPage({ role, config, t, render }) {
  const store = createStaffStore(role);
  const fatal = document.getElementById("fatal");
  const live = connectLive({
    auth: { role, workshop: config.code, key: config.key, lang: config.lang },
    store,
    t,
    // A handful of screens, and the one the room looks at: back sooner than the phones.
    reconnect: STAFF_RECONNECT,
    onUnauthorized: (data) => {
      fatal.textContent = (data && data.message) || t("errors.unauthorized_staff");
      show(fatal, true);
    },
  });
  bindConnStatus(document.getElementById("conn-status"), live, t);
  const schedule = makeScheduler(render);
  live.subscribe((kind) => {
    if (kind === "state" || kind === "status") schedule();
  });
  return { store, live, schedule };
}
