/**
 * Drag and drop with Pointer Events (mouse, touch and pen alike; the HTML5
 * drag API does not work on touch screens).
 *
 *   const dnd = enableDragDrop(root, {
 *     item: ".idea", itemKey: (el) => el.dataset.ideaId,    // what can be dragged
 *     handle: ".drag-handle",                                  // where touch and pen may start
 *     zone: ".group", zoneKey: (el) => el.dataset.groupId,     // where it can be dropped
 *     scope: ".board", scopeKey: (el) => el.dataset.tableId,   // a zone must share the item's scope
 *     canDrag: (el) => true,                                   // optional
 *     topInset: () => 0,     // optional: px hidden at the top (a sticky header)
 *     onDrop(itemKey, zoneElement),   // dropped on a zone other than the item's own
 *   });
 *   dnd.refresh();             // after a render rebuilt elements
 *
 * A mouse can drag a card from anywhere but its controls; a finger or a pen
 * only from the handle (elsewhere a swipe still scrolls the page). A ghost
 * copy of the card (`.drag-ghost`, out of the accessibility tree, deaf to the
 * pointer) follows the finger; it is placed through the CSSOM
 * (`style.transform`), which the CSP allows (it refuses style attributes in
 * markup only). The card left behind dims, the zone under the pointer lights
 * up, and the page scrolls near the top or bottom edge. Escape cancels.
 */

const CONTROLS = "button, select, input, textarea, label, a, [contenteditable]";
const EDGE = 44; // px from the viewport edge (or the sticky header) where the page starts scrolling

export function enableDragDrop(
  root,
  { item, itemKey, handle, zone, zoneKey, scope, scopeKey, canDrag, topInset, onDrop },
) {
  let press = null; // {pointerId, id, scopeKey, from, x, y, slop}
  let drag = null; // same + {zone: element | null, x, y}
  let scrollFrame = 0;
  let ghost = null; // the copy of the card that follows the pointer

  root.addEventListener("pointerdown", (event) => {
    if (press || drag || !event.isPrimary) return;
    if (event.pointerType === "mouse" && event.button !== 0) return;
    const card = event.target.closest(item);
    if (!card || !root.contains(card) || !itemKey(card) || (canDrag && !canDrag(card))) return;
    const onHandle = Boolean(event.target.closest(handle));
    if (!onHandle && (event.pointerType !== "mouse" || event.target.closest(CONTROLS))) return;
    const scopeEl = card.closest(scope);
    const from = card.closest(zone);
    const rect = card.getBoundingClientRect();
    press = {
      card,
      dx: event.clientX - rect.left,
      dy: event.clientY - rect.top,
      pointerId: event.pointerId,
      id: itemKey(card),
      scopeKey: scopeEl ? scopeKey(scopeEl) : undefined,
      from: from ? zoneKey(from) : undefined,
      x: event.clientX,
      y: event.clientY,
      slop: event.pointerType === "mouse" ? 6 : 4,
    };
    if (onHandle) event.preventDefault(); // no text selection or focus change from the grip
  });

  document.addEventListener(
    "pointermove",
    (event) => {
      const current = drag || press;
      if (!current || event.pointerId !== current.pointerId) return;
      if (!drag) {
        if (Math.hypot(event.clientX - press.x, event.clientY - press.y) < press.slop) return;
        start();
      }
      drag.x = event.clientX;
      drag.y = event.clientY;
      event.preventDefault();
      moveGhost();
      hover();
    },
    { passive: false },
  );

  document.addEventListener("pointerup", (event) => {
    if (press && event.pointerId === press.pointerId && !drag) press = null;
    if (!drag || event.pointerId !== drag.pointerId) return;
    const target = drag.zone;
    const { id, from } = drag;
    end();
    swallowNextClick();
    if (target && zoneKey(target) !== from) onDrop(id, target);
  });

  document.addEventListener("pointercancel", (event) => {
    if (press && event.pointerId === press.pointerId) press = null;
    if (drag && event.pointerId === drag.pointerId) end();
  });

  document.addEventListener("keydown", (event) => {
    if (drag && event.key === "Escape") {
      event.preventDefault();
      end();
    }
  });

  // A finger resting on the grip must not start a page scroll or a text selection.
  document.addEventListener("selectstart", (event) => {
    if (drag) event.preventDefault();
  });

  function start() {
    drag = { ...press, zone: null };
    press = null;
    try {
      root.setPointerCapture(drag.pointerId); // keep getting moves even if the card is re-rendered
    } catch {
      // the pointer is already gone: pointerup/cancel will end the drag
    }
    const selection = window.getSelection && window.getSelection();
    if (selection) selection.removeAllRanges();
    document.body.classList.add("is-dragging");
    makeGhost(drag.card);
    refresh();
    scrollFrame = requestAnimationFrame(autoScroll);
  }

  function end() {
    if (drag) {
      try {
        if (root.hasPointerCapture(drag.pointerId)) root.releasePointerCapture(drag.pointerId);
      } catch {
        // released already
      }
    }
    drag = null;
    press = null;
    if (ghost) ghost.remove();
    ghost = null;
    cancelAnimationFrame(scrollFrame);
    document.body.classList.remove("is-dragging");
    for (const el of root.querySelectorAll(".is-drag-source, .is-drop-target")) {
      el.classList.remove("is-drag-source", "is-drop-target");
    }
  }

  /** A copy of the card, as wide as it, that the pointer carries (moveGhost). */
  function makeGhost(card) {
    if (!card || !card.isConnected) return;
    const rect = card.getBoundingClientRect();
    ghost = card.cloneNode(true);
    ghost.classList.add("drag-ghost");
    ghost.classList.remove("is-drag-source");
    ghost.setAttribute("aria-hidden", "true");
    ghost.removeAttribute("id");
    for (const el of ghost.querySelectorAll("[id]")) el.removeAttribute("id");
    for (const el of ghost.querySelectorAll("button, input, select, textarea, a")) el.setAttribute("tabindex", "-1");
    ghost.style.width = `${rect.width}px`;
    ghost.style.setProperty("--accent", getComputedStyle(card).getPropertyValue("--accent"));
    document.body.append(ghost);
    moveGhost();
  }

  function moveGhost() {
    if (!ghost || !drag) return;
    ghost.style.transform = `translate(${Math.round(drag.x - drag.dx)}px, ${Math.round(drag.y - drag.dy)}px) rotate(-2deg)`;
  }

  /** The drop zone under the pointer, in the same scope as the dragged item. */
  function hover() {
    const under = document.elementFromPoint(drag.x, drag.y);
    let target = under ? under.closest(zone) : null;
    if (target && !root.contains(target)) target = null;
    if (target) {
      const scopeEl = target.closest(scope);
      if (!scopeEl || scopeKey(scopeEl) !== drag.scopeKey) target = null;
    }
    if (target === drag.zone) return;
    if (drag.zone) drag.zone.classList.remove("is-drop-target");
    drag.zone = target;
    if (target && zoneKey(target) !== drag.from) target.classList.add("is-drop-target");
  }

  function autoScroll() {
    if (!drag) return;
    const height = window.innerHeight;
    const top = Math.max(0, Math.min(height / 3, topInset ? topInset() : 0)) + EDGE;
    let dy = 0;
    if (drag.y < top) dy = -Math.ceil(Math.min(top - drag.y, 2 * EDGE) / 5);
    else if (drag.y > height - EDGE) dy = Math.ceil(Math.min(drag.y - (height - EDGE), 2 * EDGE) / 5);
    if (dy) {
      window.scrollBy(0, dy);
      hover();
    }
    scrollFrame = requestAnimationFrame(autoScroll);
  }

  /** Put the drag classes back on elements a render rebuilt. */
  function refresh() {
    if (!drag) return;
    for (const el of root.querySelectorAll(item)) el.classList.toggle("is-drag-source", itemKey(el) === drag.id);
    if (drag.zone && !drag.zone.isConnected) drag.zone = null;
    if (drag.zone && zoneKey(drag.zone) !== drag.from) drag.zone.classList.add("is-drop-target");
  }

  return {
    refresh,
    cancel: end,
    get dragging() {
      return drag ? drag.id : null;
    },
  };
}

/** After a drop, the browser may fire a click on what is under the pointer: ignore it. */
function swallowNextClick() {
  const stop = (event) => {
    event.stopPropagation();
    event.preventDefault();
  };
  window.addEventListener("click", stop, { capture: true, once: true });
  setTimeout(() => window.removeEventListener("click", stop, { capture: true }), 0);
}
