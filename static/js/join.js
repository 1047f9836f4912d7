/**
 * The join page: first name, organisation (list or "other"), table, then
 * POST /api/w/<code>/join; the returned token is kept in localStorage and the
 * phone goes to the participant page, where the idea field has the focus.
 * A phone that already joined is offered to resume, with "someone else" as
 * the explicit way to a second identity. Errors stand next to their field.
 */
import { readConfig, makeT, show } from "./dom.js";
import { FOCUS_IDEA_KEY, readToken, readName, saveIdentity } from "./identity.js";

const OTHER = "__other__";
const config = readConfig();
const t = makeT(config.strings || {}, config.lang);
const $ = (id) => document.getElementById(id);

const form = $("join-form");
const firstName = $("first-name");
const organisation = $("organisation");
const other = $("organisation-other");
const otherField = $("organisation-other-field");
const button = $("join-button");
const error = $("join-error");
const limit = $("first-name-limit");
// Server error codes that belong to one field (the others are shown above the button).
const FIELD_OF = {
  empty_name: "first-name",
  name_too_long: "first-name",
  empty_organisation: "organisation",
  organisation_too_long: "organisation",
};

offerResume();
formatDate();
if (form) setUpForm();

/** "2026-03-12" -> "jeudi 12 mars 2026" (the raw date stays if unparsable). */
function formatDate() {
  const el = document.querySelector("time.workshop-date");
  if (!el) return;
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(el.getAttribute("datetime") || "");
  if (!match) return;
  const date = new Date(Number(match[1]), Number(match[2]) - 1, Number(match[3]));
  el.textContent = date.toLocaleDateString(config.lang || "fr", {
    weekday: "long",
    day: "numeric",
    month: "long",
    year: "numeric",
  });
}

function offerResume() {
  const resume = $("resume-session");
  if (!resume || !readToken(config.code)) return;
  const name = readName(config.code);
  const link = $("resume-link");
  link.href = config.participant_url;
  link.textContent = name ? t("join.resume_as", { name }) : t("join.resume");
  show(resume, true);
  // One tap resumes; making a second participant is a deliberate choice.
  if (form) show(form, false);
  $("someone-else").addEventListener("click", () => {
    show(resume, false);
    if (form) {
      show(form, true);
      firstName.focus();
    }
  });
}

function setUpForm() {
  const syncOther = () => {
    const isOther = organisation.value === OTHER;
    show(otherField, isOther);
    other.required = isOther;
  };
  organisation.addEventListener("change", () => {
    syncOther();
    if (organisation.value === OTHER) other.focus();
  });
  syncOther();
  // The limit is said before the field stops taking letters.
  const sayLimit = () => {
    const n = firstName.value.length;
    const near = n >= config.max_name_len - 10;
    show(limit, near);
    if (near) limit.textContent = t("join.name_limit", { n, max: config.max_name_len });
  };
  firstName.addEventListener("input", sayLimit);

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    setError("");
    const payload = readForm();
    if (!payload) return;
    button.disabled = true;
    button.setAttribute("aria-busy", "true");
    try {
      const result = await postJoin(payload);
      if (result.ok && result.token) {
        if (!saveIdentity(config.code, result.token, payload.first_name)) {
          setError(t("join.storage_blocked"));
          return;
        }
        try {
          sessionStorage.setItem(FOCUS_IDEA_KEY, config.code);
        } catch {
          // no session storage: the phone just does not focus the idea field
        }
        location.assign(result.participant_url || config.participant_url);
        return;
      }
      const field = FIELD_OF[result.error];
      if (field)
        invalid(
          field === "organisation" && organisation.value === OTHER ? other : $(field),
          result.message || t("errors.generic"),
        );
      else setError(result.message || t("errors.generic"));
    } finally {
      button.disabled = false;
      button.removeAttribute("aria-busy");
    }
  });
}

/** The payload, or null (with the error shown) when a field is missing. */
function readForm() {
  const name = firstName.value.trim();
  if (!name) return invalid(firstName, t("join.empty_name"));
  if (name.length > config.max_name_len)
    return invalid(firstName, t("join.name_too_long", { max: config.max_name_len }));
  let org = organisation.value === OTHER ? other.value.trim() : organisation.value;
  org = (org || "").trim();
  if (!org) return invalid(organisation.value === OTHER ? other : organisation, t("join.empty_organisation"));
  if (org.length > config.max_org_len)
    return invalid(other, t("join.organisation_too_long", { max: config.max_org_len }));
  const payload = { first_name: name, organisation: org, lang: config.lang };
  const checked = form.querySelector("input[name=table]:checked");
  if (checked) payload.table_id = Number(checked.value);
  return payload;
}

/** Show ``text`` under ``field`` (its error line, named by aria-describedby), and focus it. */
function invalid(field, text) {
  const line = $(`${field.id}-error`);
  line.textContent = text;
  field.setAttribute("aria-invalid", "true");
  const clear = () => {
    field.removeAttribute("aria-invalid");
    line.textContent = "";
  };
  field.addEventListener("input", clear, { once: true });
  field.addEventListener("change", clear, { once: true });
  field.focus();
  return null;
}

/** A problem of the whole form (network, closed joining...), above the button. */
function setError(text) {
  error.textContent = text;
  if (!text) for (const line of form.querySelectorAll(".field-error")) line.textContent = "";
}

/** POST the join; resolves with the JSON answer or a made-up error. */
async function postJoin(payload) {
  let response;
  try {
    response = await fetch(config.api_join, {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "application/json" },
      body: JSON.stringify(payload),
      credentials: "same-origin",
    });
  } catch {
    return { ok: false, message: t("errors.network") };
  }
  let body = null;
  try {
    body = await response.json();
  } catch {
    body = null;
  }
  if (response.ok && body && body.token) return { ...body, ok: true };
  if (body && body.message) return { ...body, ok: false };
  return { ok: false, message: t("errors.http", { status: response.status }) };
}
