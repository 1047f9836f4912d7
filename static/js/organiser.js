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
  row.bar.value = job.step;
  row.bar.setAttribute("aria-label", t(`organiser.stage_${job.status}`));
  if (job.status === "done") {
    row.bar.hidden = true;
    row.state.textContent = t("organiser.ready", { seconds: job.elapsed_s, size: formatSize(job.size) });
    row.link.hidden = false;
    row.link.href = job.download_url;
    row.link.textContent = `${t("organiser.download")} ${job.filename}`;
  } else if (job.status === "failed") {
    row.bar.hidden = true;
    row.state.textContent = t("organiser.failed");
  } else {
    row.state.textContent = t(`organiser.stage_${job.status}`);
  }
}

async function poll(job) {
  render(job);
  while (job.status !== "done" && job.status !== "failed") {
    await new Promise((resolve) => setTimeout(resolve, 400));
    try {
      const response = await fetch(job.status_url, { headers: { Accept: "application/json" }, credentials: "same-origin" });
      if (!response.ok) break;
      job = (await response.json()).job;
      render(job);
    } catch (err) {
      await new Promise((resolve) => setTimeout(resolve, 1500)); // offline for a moment: keep trying
    }
  }
}

for (const form of document.querySelectorAll("form.export-form")) {
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const data = new FormData(form);
    if (event.submitter && event.submitter.name) data.set(event.submitter.name, event.submitter.value);
    const response = await fetch(form.action, {
      method: "POST", body: data, credentials: "same-origin", headers: { Accept: "application/json" },
    });
    if (response.status === 202) poll((await response.json()).job);
    else alert(t("organiser.failed"));
  });
}

for (const job of [...(config.jobs || [])].reverse()) poll(job);

for (const button of document.querySelectorAll("button[data-confirm]")) {
  button.addEventListener("click", (event) => {
    if (!window.confirm(button.dataset.confirm)) event.preventDefault();
  });
}
