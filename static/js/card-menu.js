/**
 * One menu per idea card and per group header of the console: the card shows
 * its text, and its actions wait behind a "⋯" button (console-cards.js,
 * console-board.js). A click on "⋯", a tap or click on the card itself, or a
 * right-click opens it; Escape, a click elsewhere or a choice closes it, and
 * the focus goes back to the "⋯" button.
 *
 * The menu does not re-implement the actions: each card keeps its controls in
 * a hidden holder (`.idea-actions`, `.group-tools`), wired as before by
 * console-groups.js, console-correct.js, console-remote.js, console-actions.js.
 * The menu lists them as buttons and a choice clicks the control it stands
 * for; a <select> ("Déplacer vers…", "Fusionner dans…") becomes one button
 * per option, and a choice sets the select and fires its "change". A control
 * with `data-heading` gets that heading above it (e.g. the duplicate's text).
 *
 * Selectors: .menu-button (the "⋯" of a card or group), #card-menu (the open
 * menu, one per page), .card-menu-item[data-for="<class of the control>"]
 * (and [data-value] for an option of a select).
 */
import { h } from "./dom.js";

const OWNER = ".idea[data-idea-id], .group[data-group-id]";
const CONTROLS = "button, select, input, textarea, label, a, summary, [contenteditable], .duplicate-notice";

const pointAt = (event) => ({
  left: event.clientX,
  right: event.clientX,
  top: event.clientY,
  bottom: event.clientY,
  width: 0,
});

/** Where each kind of owner keeps its controls. */
function sourcesOf(owner) {
  if (owner.matches(".idea")) return [...owner.querySelectorAll(".idea-actions button, .idea-actions select")];
  return [
    ...owner.querySelectorAll(":scope > .group-tools button, :scope > .group-tools select"),
    ...owner.querySelectorAll(":scope > .group-head button:not(.menu-button)"),
  ];
}

/** The class that names what a control does (its first class not shared by every button). */
function actionOf(el) {
  return [...el.classList].find((name) => !/^(btn|input)(-|$)/.test(name)) || el.tagName.toLowerCase();
}

/**
 * root: the #boards element. label(owner) -> the menu's accessible name.
 * Returns {close(), get openFor}.
 */
export function mountCardMenu(root, { label }) {
  const menu = h("div", { id: "card-menu", class: "card-menu", role: "group", hidden: true });
  document.body.append(menu);
  let owner = null; // {kind: "idea"|"group", id}
  let returnFocus = true;

  const ownerEl = () => {
    if (!owner) return null;
    const sel =
      owner.kind === "idea"
        ? `.idea[data-idea-id="${CSS.escape(owner.id)}"]`
        : `.group[data-group-id="${CSS.escape(owner.id)}"]`;
    return root.querySelector(sel);
  };
  const buttonOf = () => {
    const el = ownerEl();
    return el ? el.querySelector(owner.kind === "idea" ? ".menu-button" : ":scope > .group-head .menu-button") : null;
  };

  function open(el, at) {
    close(false);
    const kind = el.matches(".idea") ? "idea" : "group";
    owner = { kind, id: kind === "idea" ? el.dataset.ideaId : el.dataset.groupId };
    const items = build(el);
    if (!items.length) {
      owner = null;
      return;
    }
    menu.setAttribute("aria-label", label(el));
    menu.replaceChildren(...items);
    menu.hidden = false;
    const button = buttonOf();
    if (button) button.setAttribute("aria-expanded", "true");
    place(at || (button || el).getBoundingClientRect());
    const first =
      menu.querySelector(".card-menu-item:not([aria-disabled='true'])") || menu.querySelector(".card-menu-item");
    if (first) first.focus({ preventScroll: true });
  }

  /** The menu's buttons: one per control, one per option of a select. */
  function build(el) {
    const items = [];
    for (const source of sourcesOf(el)) {
      if (source.hidden) continue;
      const action = actionOf(source);
      const blocked = source.disabled || source.getAttribute("aria-disabled") === "true";
      if (source.tagName === "SELECT") {
        const options = [...source.options].filter((o) => !o.disabled && o.value !== source.value);
        if (!options.length) continue;
        const heading = source.title || (source.options[0] && source.options[0].text) || "";
        items.push(h("p", { class: "card-menu-heading", "aria-hidden": "true", text: heading }));
        for (const option of options) {
          items.push(
            h("button", {
              type: "button",
              class: "card-menu-item card-menu-option",
              dataset: { for: action, value: option.value },
              "aria-label": `${heading} ${option.text}`,
              "aria-disabled": blocked ? "true" : null,
              text: `→ ${option.text}`,
            }),
          );
        }
        continue;
      }
      if (source.dataset.heading)
        items.push(h("p", { class: "card-menu-heading", "aria-hidden": "true", text: source.dataset.heading }));
      const kind = [
        source.classList.contains("btn-warn") || source.classList.contains("btn-danger") ? "is-warn" : "",
        source.getAttribute("aria-pressed") === "true" ? "is-on" : "",
      ]
        .filter(Boolean)
        .join(" ");
      items.push(
        h("button", {
          type: "button",
          class: `card-menu-item ${kind}`.trim(),
          dataset: { for: action },
          "aria-label": source.getAttribute("aria-label") || null,
          "aria-pressed": source.getAttribute("aria-pressed"),
          "aria-disabled": blocked ? "true" : null,
          text: source.textContent.trim(),
        }),
      );
    }
    return items;
  }

  /** Under (or above) the rectangle, inside the viewport. CSSOM styles are allowed by the CSP. */
  function place(rect) {
    const width = menu.offsetWidth;
    const height = menu.offsetHeight;
    // Under a button, its right edges aligned; at a pointer, from the pointer.
    let left = rect.width ? rect.right - width : rect.left;
    left = Math.max(8, Math.min(left, window.innerWidth - width - 8));
    let top = rect.bottom + 4;
    if (top + height > window.innerHeight - 8) top = Math.max(8, rect.top - height - 4);
    menu.style.left = `${Math.round(left)}px`;
    menu.style.top = `${Math.round(top)}px`;
  }

  function close(focusBack = true) {
    if (!owner) return;
    const button = buttonOf();
    if (button) button.setAttribute("aria-expanded", "false");
    menu.hidden = true;
    menu.replaceChildren();
    const was = owner;
    owner = null;
    if (focusBack && returnFocus) {
      const again =
        buttonOf() ||
        (was &&
          root.querySelector(
            was.kind === "idea"
              ? `.idea[data-idea-id="${CSS.escape(was.id)}"] .menu-button`
              : `.group[data-group-id="${CSS.escape(was.id)}"] .menu-button`,
          ));
      if (again) again.focus({ preventScroll: true });
    }
  }

  function choose(item) {
    if (item.getAttribute("aria-disabled") === "true") return;
    const el = ownerEl();
    const source = el && sourcesOf(el).find((s) => actionOf(s) === item.dataset.for);
    close(true);
    if (!source) return;
    if (source.tagName === "SELECT") {
      source.value = item.dataset.value;
      source._keyAt = 0;
      source.dispatchEvent(new Event("change", { bubbles: true }));
    } else {
      source.click();
    }
  }

  // -- opening ------------------------------------------------------------------
  root.addEventListener("click", (event) => {
    const button = event.target.closest(".menu-button");
    if (button && root.contains(button)) {
      const el = button.closest(OWNER);
      if (owner && el && owner.id === (el.dataset.ideaId || el.dataset.groupId)) close();
      else if (el) open(el);
      return;
    }
    // A tap or click on the card itself (not on one of its controls) opens its menu.
    const card = event.target.closest(".idea[data-idea-id]");
    if (
      card &&
      root.contains(card) &&
      !event.target.closest(CONTROLS) &&
      !card.querySelector(".correct-form") &&
      !card.closest("[data-splitting='true']")
    ) {
      open(card, pointAt(event));
    }
  });
  root.addEventListener("contextmenu", (event) => {
    const el = event.target.closest(OWNER);
    if (!el || !root.contains(el) || event.target.closest("input, textarea, select")) return;
    if (el.matches(".group") && !event.target.closest(".group-head")) return;
    if (el.matches(".group.unsorted")) return;
    event.preventDefault();
    open(el, pointAt(event));
  });

  // -- inside the menu -------------------------------------------------------------
  menu.addEventListener("click", (event) => {
    const item = event.target.closest(".card-menu-item");
    if (item) choose(item);
  });
  menu.addEventListener("keydown", (event) => {
    const items = [...menu.querySelectorAll(".card-menu-item")];
    const at = items.indexOf(document.activeElement);
    if (event.key === "Escape") {
      event.preventDefault();
      event.stopPropagation();
      close();
    } else if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      const step = event.key === "ArrowDown" ? 1 : -1;
      items[(at + step + items.length) % items.length].focus();
    } else if (event.key === "Home" || event.key === "End") {
      event.preventDefault();
      items[event.key === "Home" ? 0 : items.length - 1].focus();
    } else if (event.key === "Tab") {
      // Leaving the menu with Tab closes it, and Tab goes on from its "⋯".
      event.preventDefault();
      close();
    }
  });
  document.addEventListener(
    "pointerdown",
    (event) => {
      if (owner && !menu.contains(event.target) && !event.target.closest(".menu-button")) {
        returnFocus = false;
        close();
        returnFocus = true;
      }
    },
    true,
  );
  window.addEventListener("resize", () => close(false));

  return {
    close,
    /** After a render: close the menu when its card or group is gone. */
    afterRender() {
      if (owner && !ownerEl()) close(false);
    },
    get openFor() {
      return owner;
    },
  };
}
