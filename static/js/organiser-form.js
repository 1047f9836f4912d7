/**
 * The workshop form (organiser space): add, remove and reorder tables and
 * agenda steps. Rows carry indexed names (`tables-2-theme`); the server reads
 * them in index order, so every change renumbers the rows. Without scripts
 * the form still works: a few blank rows and a "remove" checkbox per row.
 */
import { makeT, readConfig } from "./dom.js";

const config = readConfig();
const t = makeT(config.strings || {}, config.lang);
const INDEXED = /^(f-|err-)?(tables|agenda)-\d+-/;
const LEGENDS = { tables: "organiser.table_n", agenda: "organiser.step_n" };

function renumber(container) {
  const kind = container.dataset.rows;
  [...container.children].forEach((row, index) => {
    for (const el of row.querySelectorAll("[name], [id], [for], [aria-describedby]")) {
      for (const attr of ["name", "id", "for", "aria-describedby"]) {
        const value = el.getAttribute(attr);
        if (value && INDEXED.test(value)) el.setAttribute(attr, value.replace(/-\d+-/, `-${index}-`));
      }
    }
    const legend = row.querySelector("legend");
    if (legend) legend.textContent = t(LEGENDS[kind], { n: index + 1 });
    const up = row.querySelector("[data-move='up']");
    const down = row.querySelector("[data-move='down']");
    if (up) up.disabled = index === 0;
    if (down) down.disabled = index === container.children.length - 1;
  });
}

function enhance(row) {
  for (const button of row.querySelectorAll("[data-move], [data-remove]")) button.hidden = false;
  for (const box of row.querySelectorAll(".no-js-remove")) box.remove();
}

function addRow(kind) {
  const container = document.querySelector(`[data-rows='${kind}']`);
  const template = document.getElementById(`${kind}-template`);
  const row = template.content.firstElementChild.cloneNode(true);
  enhance(row);
  container.append(row);
  renumber(container);
  const first = row.querySelector("input:not([type=hidden]), textarea");
  if (first) first.focus();
}

for (const container of document.querySelectorAll("[data-rows]")) {
  for (const row of container.children) enhance(row);
  renumber(container);
  container.addEventListener("click", (event) => {
    const button = event.target.closest("button");
    const row = button && button.closest(".form-row");
    if (!row) return;
    if (button.dataset.move === "up" && row.previousElementSibling) {
      row.previousElementSibling.before(row);
    } else if (button.dataset.move === "down" && row.nextElementSibling) {
      row.nextElementSibling.after(row);
    } else if (button.hasAttribute("data-remove")) {
      const next = row.nextElementSibling || row.previousElementSibling;
      row.remove();
      renumber(container);
      const target = next ? next.querySelector("input:not([type=hidden]), textarea") : null;
      if (target) target.focus();
      return;
    } else {
      return;
    }
    renumber(container);
    button.focus();
  });
}

for (const button of document.querySelectorAll("[data-add]")) {
  button.hidden = false;
  button.addEventListener("click", () => addRow(button.dataset.add));
}
