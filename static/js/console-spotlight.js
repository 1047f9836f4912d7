/**
 * The console's "spotlight" buttons on idea cards (console-cards.js) and
 * group headers (console-board.js): put one item full-screen on the
 * projector, or take it off again (aria-pressed tells which). Shown only
 * when this console may do it (restitution.js canSpotlight: the lead always,
 * a table facilitator during their table's turn). The clicks are handled in
 * console-remote.js.
 */
import { h } from "./dom.js";
import { canSpotlight, isSpotlit } from "./restitution.js";

/** What a card's or group's spotlight button shows (part of the card signature). */
export function spotlightSig(store, ui, kind, id, tableId) {
  const scope = ui ? (ui.scope ?? null) : null;
  return [canSpotlight(store, scope, tableId), isSpotlit(store, kind, id)];
}

/** The button (null when this console may not spotlight the item now). */
export function spotlightButton(store, { t, ui, busy, connected }, kind, id, tableId, name) {
  const [allowed, lit] = spotlightSig(store, ui, kind, id, tableId);
  if (!allowed) return null;
  const label = lit ? t("restitution.unspotlight_named", { name }) : t("restitution.spotlight_named", { name });
  return h(
    "button",
    {
      type: "button",
      class: `btn btn-tiny ${lit ? "btn-primary" : "btn-quiet"} spotlight-${kind}`,
      dataset: { focus: `spotlight-${kind}`, spotKind: kind, spotId: id },
      "aria-pressed": String(lit),
      title: label,
      "aria-disabled": !connected || busy.has("spotlight") ? "true" : null,
      // The visible word starts the accessible name (WCAG 2.5.3, axe label-content-name-mismatch).
    },
    lit ? t("restitution.spotlit") : t("restitution.spotlight"),
    h("span", { class: "visually-hidden", text: ` : ${name}` }),
  );
}

/** Keep a group header's button (built once per group) in step with the state. */
export function syncGroupSpotlight(head, store, ctx, group) {
  if (!head) return;
  const sig = JSON.stringify([
    spotlightSig(store, ctx.ui, "group", group.id, group.table_id),
    group.label,
    ctx.connected,
    ctx.busy.has("spotlight"),
  ]);
  if (head._spotSig === sig) return;
  head._spotSig = sig;
  const old = head.querySelector(".spotlight-group");
  const hadFocus = old && old === document.activeElement;
  const fresh = spotlightButton(store, ctx, "group", group.id, group.table_id, group.label);
  if (old && fresh) old.replaceWith(fresh);
  else if (old) old.remove();
  else if (fresh) head.append(fresh);
  if (hadFocus && fresh) fresh.focus();
}
