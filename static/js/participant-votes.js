/**
 * The phone's voting mode (docs/morning.md, "Dot voting"): while voting is
 * open at the participant's table, the table's ideas (or groups) with -/+
 * dot buttons and the dots left ("Il vous reste 2 votes"); the results once
 * the room may see them. The ballot comes from command acks and `get_votes`
 * (asked again after every sync and when voting opens).
 */
import { h } from "./dom.js";
import { setBallot, visibleTally } from "./votes-state.js";

export function mountVoting(root, { store, live, t, message, schedule }) {
  let queue = Promise.resolve();
  let wasOpen = false;

  // Every ballot command (get_votes too) waits for the previous ack: the
  // server may handle two commands of one socket at once, and a stale
  // get_votes answer must not land after a newer cast_vote's ballot.
  function serial(task) {
    queue = queue.then(task).catch(() => message.show(t("errors.generic")));
    return queue;
  }

  function refresh() {
    return serial(refreshNow);
  }

  async function refreshNow() {
    if (!store.table()) return;
    const ack = await live.command("get_votes", {});
    if (ack.ok && ack.voting) {
      setBallot(store, ack.voting);
      schedule();
    }
  }

  // Taps are sent one after the other, none dropped: a quick second tap on
  // another item waits for the first ack (the server checks the limits).
  function send(name, item) {
    return serial(() => sendNow(name, item));
  }

  async function sendNow(name, item) {
    const ack = await live.command(name, { target_kind: item.kind, target_id: item.id });
    if (ack.ok) {
      setBallot(store, ack.ballot);
      message.clear();
    } else {
      message.show(ack.message || t("errors.generic"));
      if (ack.error === "timeout" || ack.error === "not_connected") refresh(); // queued after this one
    }
    schedule();
  }

  live.subscribe((kind) => {
    if (kind === "synced") refresh();
  });

  function items() {
    const settings = store.voteSettings || {};
    if (settings.target === "groups")
      return (store.voteItems || []).map((g) => ({ kind: "group", id: g.id, label: g.label }));
    return [...store.tableIdeas.values()]
      .sort((a, b) => (a.created_at < b.created_at ? -1 : a.created_at > b.created_at ? 1 : 0))
      .map((idea) => ({ kind: "idea", id: idea.id, label: idea.text }));
  }

  function update() {
    const table = store.loaded ? store.table() : null;
    const open = Boolean(table && table.voting_open);
    if (open && !wasOpen) refresh(); // the groups may have changed since the snapshot
    wasOpen = open;
    const tally = table ? visibleTally(store, table.id) : null;
    root.hidden = !open && !tally;
    if (root.hidden) return;
    const focused =
      document.activeElement && root.contains(document.activeElement) ? document.activeElement.dataset.key : null;
    const ballot = store.ballot || { mine: new Map(), remaining: 0 };
    const settings = store.voteSettings || {};
    const list = items();
    const labels = new Map(list.map((item) => [`${item.kind}:${item.id}`, item.label]));
    const children = [h("h2", { id: "votes-title", text: t("votes.title") })];
    if (open) {
      children.push(
        h("p", {
          class: "votes-remaining",
          role: "status",
          "aria-live": "polite",
          text: t.plural("votes.remaining", ballot.remaining),
        }),
      );
      const rows = list.map((item) => voteRow(item, ballot, settings));
      for (const [key, count] of ballot.mine) {
        // dots on an item since hidden or removed: can be taken back
        if (!labels.has(key) && count > 0) {
          const [kind, id] = key.split(":");
          rows.push(voteRow({ kind, id, label: t("votes.gone"), gone: true }, ballot, settings));
        }
      }
      children.push(
        rows.length ? h("ul", { class: "votes-list" }, rows) : h("p", { class: "empty", text: t("votes.empty") }),
      );
    } else {
      children.push(h("p", { class: "notice", text: t("votes.closed") }));
    }
    if (tally) children.push(resultsList(tally, labels));
    root.replaceChildren(...children);
    if (focused) {
      const again = root.querySelector(`[data-key="${CSS.escape(focused)}"]`);
      if (again && !again.disabled) again.focus();
    }
  }

  function voteRow(item, ballot, settings) {
    const key = `${item.kind}:${item.id}`;
    const count = ballot.mine.get(key) || 0;
    const canAdd = !item.gone && ballot.remaining > 0 && count < (settings.votes_per_item || 1);
    return h(
      "li",
      { class: "vote-item", dataset: { voteKey: key, count: String(count) } },
      h("span", { class: "vote-label", text: item.label }),
      // role="img": a plain span may not carry an aria-label (axe aria-prohibited-attr).
      h(
        "span",
        { class: "vote-dots", role: "img", "aria-label": t.plural("votes.mine", count) },
        ...Array.from({ length: count }, () => h("span", { class: "vote-dot", "aria-hidden": "true" })),
      ),
      h(
        "button",
        {
          type: "button",
          class: "btn btn-secondary vote-btn",
          dataset: { key: `-${key}` },
          "aria-label": t("votes.remove", { label: item.label }),
          disabled: count === 0,
          on: { click: () => send("retract_vote", item) },
        },
        "−",
      ),
      h(
        "button",
        {
          type: "button",
          class: "btn btn-primary vote-btn",
          dataset: { key: `+${key}` },
          "aria-label": t("votes.add", { label: item.label }),
          disabled: !canAdd,
          on: { click: () => send("cast_vote", item) },
        },
        "+",
      ),
    );
  }

  function resultsList(tally, labels) {
    return h(
      "section",
      { class: "votes-results", "aria-label": t("votes.results") },
      h("h3", { text: t("votes.results") }),
      h(
        "ol",
        { class: "votes-ranking" },
        tally.map((row) =>
          h(
            "li",
            { class: "vote-result" },
            h("span", {
              class: "vote-rank",
              text: t("votes.rank", { rank: row.rank }) + (row.tied ? ` (${t("votes.ex_aequo")})` : ""),
            }),
            h("span", { class: "vote-label", text: labels.get(`${row.kind}:${row.id}`) || t("votes.gone") }),
            h("span", { class: "vote-count", text: t.plural("votes.dots", row.votes) }),
          ),
        ),
      ),
    );
  }

  return { update, refresh };
}
