/**
 * The rules of the dot vote on the console: dots per person, at most so many
 * on one item, vote on ideas or on groups, results live or on reveal.
 *
 * Every console shows the rules in force (one line); the lead facilitator also
 * gets a form that sends `set_voting_settings` (docs/protocol.md). The form is
 * built once and never re-rendered under the user's fingers: values the lead
 * is editing stay as typed until saved or cancelled, and another console's
 * change is taken in only when nothing is being edited. Once dots exist, the
 * server refuses a new target or fewer dots (`votes_exist`); the form says so
 * beforehand and locks the target.
 */
import { h } from "./dom.js";
import { setText } from "./staff-ui.js";

const MAX = 20; // facilitator/actions/votes.py MAX_VOTES

export function mountVoteSettings(root, { store, t, run, busy, lead }) {
  const summary = h("p", { class: "vote-settings-summary", dataset: { test: "vote-rules" } });
  root.append(summary);
  if (!lead) return { update: () => setText(summary, describe(store.voteSettings, t)) };

  const perPerson = h("input", {
    type: "number",
    id: "vote-per-person",
    name: "votes_per_person",
    min: "1",
    max: String(MAX),
    step: "1",
    required: true,
    inputmode: "numeric",
  });
  const perItem = h("input", {
    type: "number",
    id: "vote-per-item",
    name: "votes_per_item",
    min: "1",
    max: String(MAX),
    step: "1",
    required: true,
    inputmode: "numeric",
  });
  const target = h(
    "select",
    { id: "vote-target", name: "target" },
    h("option", { value: "ideas", text: t("votes.settings.target_ideas") }),
    h("option", { value: "groups", text: t("votes.settings.target_groups") }),
  );
  const live = h("input", { type: "checkbox", id: "vote-live", name: "live" });
  const save = h("button", { type: "submit", class: "btn btn-primary", text: t("votes.settings.save") });
  const cancel = h("button", { type: "button", class: "btn btn-secondary", text: t("votes.settings.cancel") });
  const castNote = h("p", { class: "vote-settings-note", hidden: true, text: t("votes.settings.cast_note") });
  const status = h("p", { class: "vote-settings-status", role: "status" });
  const form = h(
    "form",
    { class: "vote-settings", "aria-labelledby": "vote-settings-title", novalidate: true },
    h("h3", { id: "vote-settings-title", text: t("votes.settings.title") }),
    h(
      "div",
      { class: "vote-settings-fields" },
      field("vote-per-person", t("votes.settings.per_person"), perPerson),
      field("vote-per-item", t("votes.settings.per_item"), perItem),
      field("vote-target", t("votes.settings.target"), target),
      h("div", { class: "field field-check" }, live, h("label", { for: "vote-live", text: t("votes.settings.live") })),
    ),
    castNote,
    h("div", { class: "vote-settings-actions" }, save, cancel),
    status,
  );
  root.append(form);

  let dirty = false;
  let shown = ""; // the settings last written into the form (JSON), to see a change from elsewhere
  const markDirty = () => {
    dirty = true;
    setText(status, "");
    cancel.hidden = false;
  };
  for (const el of [perPerson, perItem, target, live]) {
    el.addEventListener("input", markDirty);
    el.addEventListener("change", markDirty);
  }
  cancel.addEventListener("click", () => {
    dirty = false;
    shown = "";
    setText(status, "");
    fill();
    perPerson.focus();
  });

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const person = Number(perPerson.value);
    const item = Number(perItem.value);
    const invalid = [perPerson, perItem].find(
      (el) => !/^\d+$/.test(el.value.trim()) || Number(el.value) < 1 || Number(el.value) > MAX,
    );
    if (invalid) {
      setText(status, t("votes.settings.bounds", { max: MAX }));
      invalid.focus();
      return;
    }
    if (item > person) {
      setText(status, t("votes.settings.item_over_person"));
      perItem.focus();
      return;
    }
    setText(status, "");
    const ack = await run("vote-settings", "set_voting_settings", {
      votes_per_person: person,
      votes_per_item: item,
      target: target.value,
      live: live.checked,
    });
    if (ack && ack.ok) {
      dirty = false;
      shown = "";
      fill();
      setText(status, t("votes.settings.saved"));
    }
  });

  function fill() {
    const s = store.voteSettings || {};
    const key = JSON.stringify(s);
    if (dirty || key === shown) return;
    shown = key;
    perPerson.value = String(s.votes_per_person ?? 3);
    perItem.value = String(s.votes_per_item ?? 1);
    target.value = s.target === "groups" ? "groups" : "ideas";
    live.checked = Boolean(s.live);
    cancel.hidden = true;
  }

  function update(connected, dots) {
    setText(summary, describe(store.voteSettings, t));
    fill();
    castNote.hidden = !dots;
    // with dots cast the target cannot change (the server would answer votes_exist)
    target.disabled = Boolean(dots);
    save.disabled = !connected || busy.has("vote-settings");
  }

  return { update };
}

function field(id, label, input) {
  return h("div", { class: "field" }, h("label", { for: id, text: label }), input);
}

/** "3 votes par personne · 1 au plus par élément · sur les idées · résultats au dévoilement" */
export function describe(settings, t) {
  const s = settings || {};
  return [
    t.plural("votes.settings.rule_person", s.votes_per_person ?? 3),
    t("votes.settings.rule_item", { n: s.votes_per_item ?? 1 }),
    t(s.target === "groups" ? "votes.settings.rule_groups" : "votes.settings.rule_ideas"),
    t(s.live ? "votes.settings.rule_live" : "votes.settings.rule_reveal"),
  ].join(" · ");
}
