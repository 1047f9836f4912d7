/**
 * Review dashboard: "Copier" puts a personal link on the clipboard (the
 * input is selected too, so Ctrl+C works where the clipboard API is refused).
 */
import { readConfig } from "./dom.js";

const config = readConfig();

for (const button of document.querySelectorAll(".copy-link")) {
  button.addEventListener("click", async () => {
    const input = document.getElementById(button.dataset.target);
    if (!input) return;
    input.focus();
    input.select();
    try {
      await navigator.clipboard.writeText(input.value);
      const label = button.textContent;
      button.textContent = config.copied || "✓";
      setTimeout(() => {
        button.textContent = label;
      }, 2000);
    } catch (_err) {
      // Clipboard refused (http, permissions): the link stays selected for a manual copy.
    }
  });
}
