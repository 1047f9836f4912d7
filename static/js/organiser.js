/**
 * Organiser workshop page: export jobs with progress, confirmation before erasing a name.
 *
 * An export button posts the form with fetch (CSRF token in the form data),
 * then polls the job's status until the file is ready and offers the download.
 * Without scripts the forms still work (the page lists nothing live, though).
 */
import { h, makeT, readConfig } from "./dom.js";

const config = readConfig();
const t = makeT(config.strings || {}, config.lang);
const list = document.getElementById("export-jobs");
const rows = new Map();

function formatSize(bytes) {
  if (bytes === null || bytes === undefined) return "";
  const [value, unit] = bytes < 1024 * 1024 ? [bytes / 1024, "kilobyte"] : [bytes / 1024 / 1024, "megabyte"];
  return new Intl.NumberFormat(config.lang || "fr", { style: "unit", unit, maximumFractionDigits: 1 }).format(value);
}

function render(job) {
  let row = rows.get(job.id);
  if (!row) {
    row = {
      li: h("li", { dataset: { job: job.id, status: job.status } }),
      label: h("span", { class: "job-label" }),
      bar: h("progress", { max: String(job.steps || 3), value: "0" }),
      state: h("span", { class: "job-state" }),
      link: h("a", { class: "btn btn-small", hidden: true, download: "" }),
    };
    row.li.append(row.label, row.bar, row.state, row.link);
    list.prepend(row.li);
    rows.set(job.id, row);
  }
  row.li.dataset.status = job.status;
  row.label.textContent = `${job.format.toUpperCase()}${job.anonymise ? ` (${t("organiser.anonymised")})` : ""}`;
  row.bar.value = job.step || 0;
  row.bar.setAttribute("aria-label", t(`organiser.stage_${job.status}`));
  if (job.status === "done") {
    row.bar.hidden = true;
    row.state.textContent = t("organiser.ready", { seconds: job.elapsed_s, size: formatSize(job.size) });
    row.link.hidden = false;
    row.link.href = job.download_url;
    row.link.textContent = `${t("organiser.download")} ${job.filename}`;
  } else if (job.status === "failed") {
    row.bar.hidden = true;
    row.state.textContent = t(job.reason || "organiser.failed");
  } else {
    row.state.textContent = t(`organiser.stage_${job.status}`);
  }
}

/** Why a request about an export could not go on, as a catalogue key (null: try again). */
async function refusal(response) {
  const status = response.status;
  if (status === 401 || status === 403) return "organiser.session_expired"; // logged out meanwhile
  if (status === 404) return "organiser.job_lost"; // the server restarted and forgot the job
  if (status === 400) {
    const body = await response.json().catch(() => ({}));
    return body.error === "bad_form_token" ? "organiser.page_expired" : "organiser.failed"; // a newer session elsewhere
  }
  if (status === 409 || status === 413 || status === 422) return "organiser.failed";
  return null; // 5xx, 429: a hiccup
}

async function poll(job) {
  render(job);
  let failures = 0;
  while (job.status !== "done" && job.status !== "failed") {
    await new Promise((resolve) => setTimeout(resolve, failures ? 1500 : 400));
    try {
      const response = await fetch(job.status_url, {
        headers: { Accept: "application/json" },
        credentials: "same-origin",
      });
      if (response.ok) {
        failures = 0;
        job = (await response.json()).job;
      } else {
        const reason = await refusal(response);
        failures += 1;
        // A refusal ends the wait with its reason; a server that keeps failing too, after ~30 s.
        if (reason || failures >= 20) job = { ...job, status: "failed", reason: reason || "organiser.failed" };
      }
      render(job);
    } catch (_err) {
      failures += 1; // offline for a moment: keep trying
    }
  }
}

let attempts = 0;
for (const form of document.querySelectorAll("form.export-form")) {
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const data = new FormData(form);
    if (event.submitter && event.submitter.name) data.set(event.submitter.name, event.submitter.value);
    const format = String(data.get("format") || "");
    const refused = (reason) =>
      render({
        id: `refused-${++attempts}`,
        format,
        anonymise: data.get("anonymise") === "1",
        status: "failed",
        reason,
      });
    let response;
    try {
      response = await fetch(form.action, {
        method: "POST",
        body: data,
        credentials: "same-origin",
        headers: { Accept: "application/json" },
      });
    } catch (_err) {
      refused("organiser.offline");
      return;
    }
    if (response.status === 202) poll((await response.json()).job);
    else refused((await refusal(response)) || "organiser.failed");
  });
}

for (const job of [...(config.jobs || [])].reverse()) poll(job);

for (const button of document.querySelectorAll("button[data-confirm]")) {
  button.addEventListener("click", (event) => {
    if (!window.confirm(button.dataset.confirm)) event.preventDefault();
  });
}
