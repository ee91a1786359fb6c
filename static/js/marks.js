// A list kept up to date while it is open. The page asks its socket (live.js) to hear of replies
// to the threads it shows and, where a new thread would come first (the notice's
// data-new-threads: the home page, a category's page, a tag's), of the threads started there.
// A reply changes its row's count at once; its mark ("New", "N unread replies") and link, which
// are the reader's own, come from the server as the list renders them (reading.views.marks), with
// the home page's counts of what the member tracks. New threads are counted in the notice,
// "1 new thread — show", which loads the fresh list in place (or the page, if that fails). The
// server decides who hears what, thread by thread, when it is sent.
(function () {
  "use strict";
  const script = document.currentScript;
  const list = document.querySelector("[data-thread-list]");
  const notice = document.querySelector("[data-new-threads]");
  if (!script || !list || (!notice && !list.querySelector("[data-row]"))) return;
  const shows = notice ? JSON.parse(notice.dataset.newThreads) : {};
  // On the home page, what the member muted is not on their latest list: not counted either.
  const muted = JSON.parse(script.dataset.muted || "null") || { categories: [], tags: [] };
  const tracked = document.querySelector("[data-tracked]");
  const waiting = new Set();
  const started = new Set(); // the new threads counted since the list loaded
  let member = null;
  let timer = null;
  let link = null;

  function rowOf(id) {
    return document.querySelector(`[data-row="${Number(id)}"]`);
  }

  function listen() {
    const socket = window.agoraLive && window.agoraLive.socket;
    if (!socket || socket.readyState !== WebSocket.OPEN) return;
    const threads = [...list.querySelectorAll("[data-row]")].map((row) => Number(row.dataset.row));
    socket.send(JSON.stringify({ type: "list", threads, ...shows }));
  }

  function mark(row, found) {
    const title = row.querySelector(".thread-title > a");
    if (!title) return;
    title.href = found.href;
    row.querySelectorAll(".thread-title > .badge-new, .thread-title > .badge-unread").forEach((old) => old.remove());
    if (found.mark) title.insertAdjacentHTML("afterend", found.mark); // the server's template, escaped there
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

  function belongsHere(message) {
    if (message.author === member || rowOf(message.thread)) return false;
    const tags = Array.isArray(message.tags) ? message.tags : [];
    if (shows.home) return !muted.categories.includes(message.category) && !tags.some((tag) => muted.tags.includes(tag));
    if (shows.category) return message.category === shows.category;
    if (shows.tag) return tags.includes(shows.tag);
    return false;
  }

  // The notice is a live region: its words change as the count grows, and are read out.
  function tell() {
    const count = started.size;
    if (!count) {
      notice.replaceChildren();
      link = null;
      return;
    }
    if (!link) {
      link = document.createElement("a");
      link.className = "new-threads-link";
      link.href = location.href; // without the script's help, a reload shows them
      link.addEventListener("click", (event) => {
        event.preventDefault();
        showFresh().catch(() => location.reload());
      });
      notice.append(link);
    }
    link.textContent = count === 1 ? notice.dataset.one : notice.dataset.many.replace("%(count)s", String(count));
  }

  async function showFresh() {
    const response = await fetch(location.href, { credentials: "same-origin", headers: { Accept: "text/html" } });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    const page = new DOMParser().parseFromString(await response.text(), "text/html");
    const fresh = page.querySelector("[data-thread-list]");
    if (!fresh) throw new Error("no list");
    const counted = [...started];
    list.innerHTML = fresh.innerHTML; // the page's own template, rendered for this reader
    started.clear();
    tell();
    listen();
    const rows = counted.map(rowOf).filter(Boolean);
    rows.forEach((row) => row.classList.add("is-new"));
    const first = rows.length ? rows[0].querySelector(".thread-title > a") : null;
    if (first) first.focus();
    else {
      list.tabIndex = -1;
      list.focus();
    }
  }

  document.addEventListener("agora:message", (event) => {
    const message = event.detail;
    if (message.type === "hello") {
      member = message.member;
      listen();
    } else if (message.type === "reply" && rowOf(message.thread)) {
      const count = rowOf(message.thread).querySelector("[data-replies]");
      if (count && message.replies) count.textContent = String(message.replies.count);
      waiting.add(Number(message.thread));
      // Replies that come together are asked about together, and open lists do not all ask at once.
      if (!timer) timer = setTimeout(() => refresh().catch(() => {}), 200 + Math.random() * 800);
    } else if (message.type === "thread.new" && notice && belongsHere(message)) {
      started.add(Number(message.thread));
      tell();
    }
  });
})();
