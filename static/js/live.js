/**
 * The page's live connection: a socket.io client wrapped in LiveClient
 * (connect, sync, envelope rule, commands), and the connection status pill.
 */
import { io } from "/static/vendor/socket.io/socket.io.esm.min.js";
import { LiveClient, PHONE_RECONNECT } from "./live-core.js";

/**
 * Connect and start syncing.
 *   auth: object or function returning the Socket.IO `auth` object (a
 *         function is read again on every connection attempt);
 *   store: {reset(snapshot), apply(envelope)};
 *   t: the page translator (for the messages of local failures);
 *   onUnauthorized(data): the credentials were refused;
 *   reconnect: the backoff rule (live-core.js; staff screens pass STAFF_RECONNECT).
 */
export function connectLive({ auth, store, t, onUnauthorized, reconnect = PHONE_RECONNECT }) {
  const socket = io({
    autoConnect: false,
    auth: typeof auth === "function" ? (cb) => cb(auth()) : auth,
    // LiveClient reconnects itself, with full jitter (live-core.js, reconnectDelay): socket.io's
    // own retries would bring a whole room back in the same second after a server restart.
    reconnection: false,
  });
  const live = new LiveClient(socket, {
    store,
    onUnauthorized,
    reconnect,
    messages: {
      timeout: t("errors.timeout"),
      not_connected: t("errors.not_connected"),
      internal: t("errors.internal"),
    },
  });
  // A phone back from sleep may have missed events before its socket noticed
  // anything: ask for what is new (a no-op while disconnected).
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible") live.resync();
  });
  return live.start();
}

/** Keep a #conn-status element (data-state + label) in step with `live`. */
export function bindConnStatus(el, live, t) {
  if (!el) return;
  const render = () => {
    const state = live.status;
    el.dataset.state = state;
    let label = t(`conn.${state}`);
    if (state === "reconnecting" && !live.everConnected) label = t("conn.connecting");
    if (live.stopped) label = t("conn.refused");
    el.textContent = label;
    el.title = label;
  };
  live.subscribe((kind) => {
    if (kind === "status") render();
  });
  render();
}
