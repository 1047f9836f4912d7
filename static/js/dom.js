/**
 * Small DOM helpers shared by every page.
 *
 * User text always goes through textContent (h() children and the `text`
 * property): nothing here ever parses HTML.
 */

/** Read the JSON the server embedded in <script id="page-config">. */
export function readConfig() {
  const el = document.getElementById("page-config");
  if (!el) return {};
  try {
    return JSON.parse(el.textContent) || {};
  } catch (err) {
    console.error("page-config is not valid JSON", err);
    return {};
  }
}

/**
 * Create an element.
 * props: class, text, dataset {..}, on {event: fn}, hidden/disabled/checked/value
 * (set as properties), anything else as an attribute (null/false skips it).
 * children: nodes, strings (text nodes), arrays, null/false (skipped).
 */
export function h(tag, props = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(props || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key === "class") el.className = value;
    else if (key === "text") el.textContent = value;
    else if (key === "dataset") Object.assign(el.dataset, value);
    else if (key === "on") {
      for (const [type, fn] of Object.entries(value)) el.addEventListener(type, fn);
    } else if (key === "hidden" || key === "disabled" || key === "checked" || key === "value") {
      el[key] = value;
    } else el.setAttribute(key, value === true ? "" : String(value));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(el, child);
    else el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/**
 * A translator over the `js` section of the catalogue.
 * t("conn.connected"), t("participant.counter", {n: 3, max: 280});
 * t.plural("projector.ideas", 3) picks the "one"/"other" sub-key.
 * A missing key returns the key itself, so a gap is visible but harmless.
 * Number variables are formatted for the page's language (Intl.NumberFormat).
 */
export function makeT(strings, lang) {
  const rules = new Intl.PluralRules(lang || "fr");
  const numbers = new Intl.NumberFormat(lang || "fr"); // 1234 -> "1 234" (fr) / "1,234" (en)
  const lookup = (key) => {
    let node = strings;
    for (const part of key.split(".")) {
      if (node === null || typeof node !== "object" || !(part in node)) return undefined;
      node = node[part];
    }
    return node;
  };
  const fill = (text, vars) =>
    String(text).replace(/\{(\w+)\}/g, (m, name) => {
      if (!vars || !(name in vars)) return m;
      const value = vars[name];
      return typeof value === "number" && Number.isFinite(value) ? numbers.format(value) : String(value);
    });
  const t = (key, vars) => {
    const text = lookup(key);
    return typeof text === "string" ? fill(text, vars) : key;
  };
  t.plural = (key, n, vars = {}) => {
    const forms = lookup(key);
    if (!forms || typeof forms !== "object") return key;
    const text = forms[rules.select(n)] ?? forms.other;
    return typeof text === "string" ? fill(text, { n, ...vars }) : key;
  };
  return t;
}

/**
 * Coalesce many "something changed" calls into one run per frame (with a
 * timer fallback, because requestAnimationFrame pauses in background tabs).
 */
export function makeScheduler(fn) {
  let queued = false;
  const run = () => {
    if (!queued) return;
    queued = false;
    fn();
  };
  return () => {
    if (queued) return;
    queued = true;
    requestAnimationFrame(run);
    setTimeout(run, 100);
  };
}

/**
 * Keyed list update: reuse the element of each key, rebuild it only when its
 * signature changed, move nodes only when the order changed, drop the rest.
 * The container must hold nothing but the keyed elements.
 *   items: array; keyOf(item) -> string; sigOf(item) -> string;
 *   build(item) -> new element; created(el, item) optional hook for new keys.
 * An element whose signature changed is replaced in place; if it held the
 * focus, focus moves to the element of the new one with the same
 * data-focus value (e.g. a "hide" button becoming a "restore" button).
 */
export function reconcile(container, items, { keyOf, sigOf, build, created }) {
  if (!container._keyed) container.replaceChildren(); // drop server-rendered placeholders
  const old = container._keyed || new Map();
  const next = new Map();
  let ref = container.firstChild;
  for (const item of items) {
    const key = keyOf(item);
    const sig = sigOf(item);
    let el = old.get(key);
    if (!el) {
      el = build(item);
      el._sig = sig;
      if (created) created(el, item);
    }
    if (el === ref) ref = ref.nextSibling;
    else container.insertBefore(el, ref);
    if (el._sig !== sig) {
      const fresh = build(item);
      fresh._sig = sig;
      swapKeepingFocus(el, fresh);
      el = fresh;
    }
    next.set(key, el);
  }
  for (const [key, el] of old) if (!next.has(key)) el.remove();
  container._keyed = next;
}

function swapKeepingFocus(oldEl, freshEl) {
  const active = document.activeElement;
  const hadFocus = active && oldEl.contains(active);
  const tag = hadFocus ? active.getAttribute("data-focus") : null;
  oldEl.replaceWith(freshEl);
  if (!hadFocus) return;
  const target = tag ? freshEl.querySelector(`[data-focus="${CSS.escape(tag)}"]`) : null;
  if (target) target.focus({ preventScroll: true });
  else {
    if (!freshEl.hasAttribute("tabindex")) freshEl.setAttribute("tabindex", "-1");
    freshEl.focus({ preventScroll: true });
  }
}

/** Show or hide with the hidden attribute (CSS forbids inline styles). */
export function show(el, visible) {
  if (el) el.hidden = !visible;
}

/** "09:41" in the page's language, or "" for a bad date. */
export function formatTime(iso, lang) {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return "";
  return date.toLocaleTimeString(lang || "fr", { hour: "2-digit", minute: "2-digit" });
}

/**
 * An alert area: <div class="message-bar" hidden><p id="message" role="alert">
 * <button class="message-close">. show(text) reveals it, clear() hides it.
 */
export function makeMessageArea(barId = "message-bar", autoHideMs = 15000) {
  const bar = document.getElementById(barId);
  const text = bar ? bar.querySelector("[role=alert]") : null;
  let timer = null;
  const clear = () => {
    if (!bar) return;
    clearTimeout(timer);
    text.textContent = "";
    bar.hidden = true;
  };
  const showText = (message, kind = "error") => {
    if (!bar || !message) return;
    clearTimeout(timer);
    bar.hidden = false;
    bar.dataset.kind = kind;
    text.textContent = message;
    if (autoHideMs) timer = setTimeout(clear, autoHideMs);
  };
  const close = bar ? bar.querySelector(".message-close") : null;
  if (close) close.addEventListener("click", clear);
  return { show: showText, clear };
}
