/**
 * Organiser workshop page: export jobs with progress, confirmation before erasing a name.
 *
 * An export button posts the form with fetch (CSRF token in the form data),
 * then polls the job's status until the file is ready and offers the download.
 * Without scripts the forms still work (the page lists nothing live, though).
 */
import { h, readConfig } from "./dom.js";

const config = readConfig();
const strings = (config.strings && config.strings.organiser) || {};
const t = (key, params = {}) => (strings[key] || key).replace(/\{(\w+)\}/g, (_, k) => String(params[k] ?? ""));
const list = document.getElementById("export-jobs");
const rows = new Map();

function formatSize(bytes) {
  if (bytes === null || bytes === undefined) return "";
  if (bytes < 1024) return `${bytes} o`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} ko`;
  return `${(bytes / 1024 / 1024).toFixed(1)} Mo`;
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
  row.label.textContent = `${job.format.toUpperCase()}${job.anonymise ? ` (${t("anonymised")})` : ""}`;
  row.bar.value = job.step;
  row.bar.setAttribute("aria-label", t(`stage_${job.status}`));
  if (job.status === "done") {
    row.bar.hidden = true;
    row.state.textContent = t("ready", { seconds: job.elapsed_s, size: formatSize(job.size) });
    row.link.hidden = false;
    row.link.href = job.download_url;
    row.link.textContent = `${t("download")} ${job.filename}`;
  } else if (job.status === "failed") {
    row.bar.hidden = true;
    row.state.textContent = t("failed");
  } else {
    row.state.textContent = t(`stage_${job.status}`);
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
    else alert(t("failed"));
  });
}

for (const job of [...(config.jobs || [])].reverse()) poll(job);

for (const button of document.querySelectorAll("button[data-confirm]")) {
  button.addEventListener("click", (event) => {
    if (!window.confirm(button.dataset.confirm)) event.preventDefault();
  });
}
