// A list's read marks kept up to date while it is open: the page asks its socket (live.js) to
// hear of replies to the threads it shows; when one comes, its reply count changes at once,
// and its mark ("New", "N unread replies") and link, which are the reader's own, come from the
// server as the list renders them (reading.views.marks), with the home page's counts of what
// the member tracks. The server decides who hears what, thread by thread, when it is sent.
(function () {
  "use strict";
  const script = document.currentScript;
  const rows = [...document.querySelectorAll("[data-row]")];
  if (!script || !rows.length) return;
  const tracked = document.querySelector("[data-tracked]");
  const waiting = new Set();
  let timer = null;

  function rowOf(id) {
    return document.querySelector(`[data-row="${Number(id)}"]`);
  }

  function listen() {
    const socket = window.agoraLive && window.agoraLive.socket;
    if (!socket || socket.readyState !== WebSocket.OPEN) return;
    socket.send(JSON.stringify({ type: "list", threads: rows.map((row) => Number(row.dataset.row)) }));
  }

  function mark(row, found) {
    const link = row.querySelector(".thread-title > a");
    if (!link) return;
    link.href = found.href;
    row.querySelectorAll(".thread-title > .badge-new, .thread-title > .badge-unread").forEach((old) => old.remove());
    if (found.mark) link.insertAdjacentHTML("afterend", found.mark); // the server's template, escaped there
  }

  async function refresh() {
    timer = null;
    const query = new URLSearchParams([...waiting].map((id) => ["thread", String(id)]));
    waiting.clear();
    if (tracked) query.set("tracked", "1");
    const response = await fetch(`${script.dataset.marksUrl}?${query}`, {
      credentials: "same-origin",
      headers: { Accept: "application/json" },
    });
    if (!response.ok) return;
    const data = await response.json();
    for (const [id, found] of Object.entries(data.rows)) {
      const row = rowOf(id);
      if (row) mark(row, found);
    }
    if (tracked && typeof data.tracked === "string") tracked.innerHTML = data.tracked; // the server's template
  }

  document.addEventListener("agora:message", (event) => {
    const message = event.detail;
    if (message.type === "hello") {
      listen();
    } else if (message.type === "reply" && rowOf(message.thread)) {
      const count = rowOf(message.thread).querySelector("[data-replies]");
      if (count && message.replies) count.textContent = String(message.replies.count);
      waiting.add(Number(message.thread));
      // Replies that come together are asked about together, and open lists do not all ask at once.
      if (!timer) timer = setTimeout(() => refresh().catch(() => {}), 200 + Math.random() * 800);
    }
  });
})();
