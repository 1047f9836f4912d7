/**
 * The console's automatic-grouping actions (docs/protocol.md, "Automatic
 * grouping"): "Regrouper" a board (the `regroup` command can take several
 * seconds: it waits up to 60 s and shows its progress; its answer is a
 * proposal shown on this console only, console-proposal.js),
 * and for a probable duplicate, "Fusionner" (`merge_ideas` into the earlier
 * idea) or "Garder les deux" (`dismiss_duplicate`). console-board.js and
 * console-cards.js draw them; a refused command shows in the alert area.
 */
import { bindProposalActions, keepProposal } from "./console-proposal.js";

export const REGROUP_TIMEOUT_MS = 60000;
const RESULT_SHOWN_MS = 20000;

/** root: the #boards element; run(key, name, payload, options) -> ack | null (busy). */
export function bindAutomationActions({ root, store, t, ui, run, render }) {
  const timers = new Map();
  const ideaIdOf = (el) => {
    const card = el.closest(".idea");
    return card ? card.dataset.ideaId : null;
  };
  const cardSel = (id) => `.idea[data-idea-id="${CSS.escape(id)}"]`;

  function showResult(tableId, result) {
    clearTimeout(timers.get(tableId));
    if (result) ui.regroupResults.set(tableId, result);
    else ui.regroupResults.delete(tableId);
    render();
    if (result) {
      timers.set(
        tableId,
        setTimeout(() => {
          ui.regroupResults.delete(tableId);
          render();
        }, RESULT_SHOWN_MS),
      );
    }
  }

  async function regroup(tableId) {
    const board = store.boardOf(tableId);
    const toSort = board.unsorted.filter((idea) => idea.state === "visible").length;
    showResult(tableId, null);
    keepProposal(ui, tableId, null); // a new "Regrouper" replaces the proposal on screen
    const ack = await run(`regroup:${tableId}`, "regroup", { table_id: tableId }, { timeoutMs: REGROUP_TIMEOUT_MS });
    if (!ack || !ack.ok) return; // busy, or the error is in the alert area
    const groups = keepProposal(ui, tableId, ack.proposal);
    let text;
    if (groups.length) {
      text = t("console.proposal_ready");
    } else {
      text = toSort ? t("console.regroup_none_found") : t("console.regroup_nothing");
    }
    showResult(tableId, { text, kind: groups.length ? "proposed" : "nothing" });
    if (groups.length) {
      const first = root.querySelector(`.board[data-table-id="${tableId}"] .proposal-accept-all`);
      if (first) first.focus();
    }
  }

  async function mergeDuplicate(button) {
    const id = ideaIdOf(button);
    const into = button.dataset.into;
    if (!id || !into) return;
    const ack = await run(`dup:${id}`, "merge_ideas", { id, into });
    if (!ack || !ack.ok) return;
    // This card goes away: the focus goes to the idea it joined.
    const target = root.querySelector(`${cardSel(into)} .menu-button`);
    if (target) target.focus();
  }

  async function dismissDuplicate(button) {
    const id = ideaIdOf(button);
    if (!id) return;
    const ack = await run(`dup:${id}`, "dismiss_duplicate", { id });
    if (!ack || !ack.ok) return;
    // The card is redrawn without its notice: keep the focus on it, on its "Déplacer vers…".
    const card = root.querySelector(cardSel(id));
    const active = document.activeElement;
    if (card && (!active || active === document.body || active === card)) card.querySelector(".menu-button").focus();
  }

  bindProposalActions({ root, store, t, ui, run, render, showResult });

  root.addEventListener("click", (event) => {
    const button = event.target.closest("button");
    if (!button || !root.contains(button)) return;
    if (button.getAttribute("aria-disabled") === "true") return;
    if (button.classList.contains("regroup")) regroup(Number(button.dataset.tableId));
    else if (button.classList.contains("merge-duplicate")) mergeDuplicate(button);
    else if (button.classList.contains("dismiss-duplicate")) dismissDuplicate(button);
  });
}
