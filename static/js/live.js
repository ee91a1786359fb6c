// Live updates over one WebSocket per tab: notifications, the unread count, and
// new replies in the thread being read. The page works without it; this only
// saves a reload. A dropped connection reconnects with back-off and jitter and
// resumes from the last notification id it saw, so nothing is lost. It also asks
// again when the tab comes back into view and every few minutes: a push can be
// lost without the socket closing (a daphne process re-joining Redis, which then
// sends "resync" so that the page asks at once), and the notification rows are
// the record.
(function () {
  "use strict";
  const bellCount = document.getElementById("bell-count");
  const bell = document.getElementById("bell");
  const panel = document.getElementById("bell-panel");
  const threadPage = document.querySelector("[data-thread]");
  const conversationPage = document.querySelector("[data-conversation]");
  const storageKey = "agora.lastNotification";
  const storageKeyAt = "agora.lastNotificationAt";
  let lastSeen = Number(sessionStorage.getItem(storageKey) || 0);
  // When the newest notification seen was last updated: unread ones of a kind collapse
  // into an older row, which keeps its id, so resuming by id alone would miss them.
  let lastSeenAt = sessionStorage.getItem(storageKeyAt) || "";
  let attempt = 0;
  let socket = null;
  const RESYNC_MS = 120000 + Math.random() * 60000; // jittered, so tabs do not ask together

  function setUnread(count) {
    if (!bellCount) return;
    bellCount.textContent = String(count);
    bellCount.closest(".bell").dataset.unread = String(count);
    document.dispatchEvent(new CustomEvent("agora:unread", { detail: count }));
  }

  function remember(id, created) {
    if (id > lastSeen) {
      lastSeen = id;
      sessionStorage.setItem(storageKey, String(id));
    }
    if (created && (!lastSeenAt || Date.parse(created) > Date.parse(lastSeenAt))) {
      lastSeenAt = created;
      sessionStorage.setItem(storageKeyAt, created);
    }
  }

  function resumeMessage() {
    const message = { type: "resume", after: lastSeen };
    if (lastSeenAt) message.since = lastSeenAt;
    return JSON.stringify(message);
  }

  function addToMenu(message) {
    if (!panel) return;
    let list = panel.querySelector(".bell-items");
    if (!list) {
      list = document.createElement("ul");
      list.className = "bell-items";
      list.setAttribute("role", "list");
      panel.querySelector(".bell-empty")?.remove();
      panel.prepend(list);
    }
    // A notification that collapsed (a second reply, a third "helpful") replaces its line.
    list.querySelector(`li[data-id="${Number(message.id)}"]`)?.remove();
    const item = document.createElement("li");
    item.className = "is-unread";
    item.dataset.id = String(message.id);
    const link = document.createElement("a");
    link.href = message.url;
    link.textContent = message.text; // text, never HTML
    item.append(link);
    list.prepend(item);
  }

  // Server-rendered text that comes in each language of the site: the one this page is written in.
  function inPageLanguage(texts) {
    return texts[document.documentElement.lang] ?? Object.values(texts)[0];
  }

  // An article rendered by the server for this reader, or null when it is not for them (hidden
  // meanwhile, access changed: a reload tells) or already on the page.
  async function fetchArticle(url, selector) {
    const response = await fetch(url, { credentials: "same-origin", headers: { Accept: "text/html" } });
    if (!response.ok) return null;
    const holder = document.createElement("div");
    holder.innerHTML = await response.text(); // the page's own template, from sanitized content
    const article = holder.querySelector(selector);
    return article && !document.getElementById(article.id) ? article : null;
  }

  async function insertReply(message) {
    if (!threadPage || Number(threadPage.dataset.thread) !== message.thread) return;
    const count = document.getElementById("reply-count");
    if (count && message.replies) count.textContent = inPageLanguage(message.replies.text); // text, never HTML
    if (document.getElementById("post-" + message.post)) return;
    const onLastPage = !document.querySelector(".pagination a[rel=next]");
    if (!document.getElementById("posts") || !onLastPage) return;
    // The push names the post; its article comes from the server rendered for this reader,
    // as the page renders it on load (their vote, accept, edit, report, moderation buttons).
    const article = await fetchArticle(message.url, "article.post");
    if (!article) return;
    article.classList.add("is-new");
    // Fetches can finish out of order: keep the posts in the order of their ids, as on load.
    const later = [...document.querySelectorAll("#posts > article.post")]
      .find((other) => Number(other.id.replace("post-", "")) > message.post);
    if (later) later.before(article); else document.getElementById("posts").append(article);
    document.querySelector(".thread-page .empty-state")?.remove();
    document.querySelector("#posts .replies-heading")?.removeAttribute("hidden");
  }

  function setInbox(count) {
    const inboxCount = document.getElementById("inbox-count");
    if (!inboxCount || typeof count !== "number") return;
    inboxCount.textContent = String(count);
    inboxCount.closest(".inbox-link").dataset.unread = String(count);
  }

  // A message in the private conversation open in this tab: fetched rendered for this reader
  // (the page checks access again), appended in the order of the ids.
  async function insertMessage(message) {
    if (!conversationPage || Number(conversationPage.dataset.conversation) !== message.conversation) return;
    const list = document.getElementById("messages");
    if (!list || document.getElementById("message-" + message.message)) return;
    if (document.querySelector(".pagination a[rel=next]")) return;
    const article = await fetchArticle(message.url, "article.message");
    if (!article) return;
    article.classList.add("is-new");
    const later = [...list.querySelectorAll("article.message")]
      .find((other) => Number(other.dataset.message) > message.message);
    if (later) later.before(article); else list.append(article);
    // Read here: the server marks it read when this page is loaded again; tell it now.
    fetch(location.pathname + "read/", { method: "POST", credentials: "same-origin", headers: { "X-CSRFToken": csrfToken() } }).catch(() => {});
  }

  function csrfToken() {
    return document.querySelector("input[name=csrfmiddlewaretoken]")?.value || "";
  }

  function showAnnouncement(message) {
    const existing = document.getElementById("announcement");
    if (!message.active) { if (existing && existing.dataset.id === String(message.id)) existing.remove(); return; }
    // The banner every page renders (notifications/_announcement.html), the same for everyone
    // but for the page to come back to after dismissing it.
    const holder = document.createElement("div");
    holder.innerHTML = inPageLanguage(message.html);
    const banner = holder.querySelector("#announcement");
    if (!banner) return;
    const next = banner.querySelector("input[name=next]");
    if (next) next.value = location.pathname + location.search;
    if (existing) existing.replaceWith(banner); else document.querySelector(".site-header").after(banner);
  }

  // The open incidents' banner (incidents/_banner.html), the same for everyone: replaced, added
  // under the header, or removed when the last incident is resolved.
  function showIncidents(message) {
    const existing = document.getElementById("incident-banner");
    const holder = document.createElement("div");
    holder.innerHTML = inPageLanguage(message.html) || "";
    const banner = holder.querySelector("#incident-banner");
    if (!banner) { existing?.remove(); return; }
    if (existing) existing.replaceWith(banner); else document.querySelector(".site-header").after(banner);
  }

  function handle(message) {
    // For the page's other scripts (static/js/marks.js: a list's read marks).
    document.dispatchEvent(new CustomEvent("agora:message", { detail: message }));
    switch (message.type) {
      case "hello":
        attempt = 0;
        socket.send(resumeMessage());
        if (threadPage) socket.send(JSON.stringify({ type: "subscribe", thread: Number(threadPage.dataset.thread) }));
        break;
      case "resync": // the server's channel layer was cut off from Redis: ask for what it missed
        socket.send(resumeMessage());
        break;
      case "notification":
        remember(message.id, message.created);
        setUnread(message.unread);
        addToMenu(message);
        break;
      case "unread":
        setUnread(message.count);
        break;
      case "reply":
        insertReply(message).catch(() => { /* offline: the next load shows it */ });
        break;
      case "conversation.message":
        setInbox(message.inbox);
        insertMessage(message).catch(() => { /* offline: the next load shows it */ });
        break;
      case "inbox":
        setInbox(message.count);
        break;
      case "staff.conversations":
        document.querySelectorAll("[data-staff-conversations]").forEach((el) => { el.textContent = String(message.count); });
        break;
      case "staff.queue":
        document.querySelectorAll("[data-staff-queue]").forEach((el) => { el.textContent = String(message.count); });
        break;
      case "announcement":
        showAnnouncement(message);
        break;
      case "incidents":
        showIncidents(message);
        break;
      case "mod.queue":
        document.querySelectorAll("[data-mod-queue]").forEach((el) => { el.textContent = String(message.count); });
        break;
    }
  }

  function resync() {
    if (socket && socket.readyState === WebSocket.OPEN) {
      socket.send(resumeMessage());
    }
  }

  function connect() {
    const scheme = location.protocol === "https:" ? "wss://" : "ws://";
    socket = new WebSocket(scheme + location.host + "/ws/");
    socket.addEventListener("message", (event) => {
      try { handle(JSON.parse(event.data)); } catch (error) { /* ignore malformed */ }
    });
    socket.addEventListener("close", (event) => {
      // Not allowed, or the session ended (logged out, password changed): nothing to reconnect to.
      if (event.code === 4403 || event.code === 4401) return;
      // The member's access changed: start again at once with what they may see now.
      attempt = event.code === 4409 ? 0 : attempt + 1;
      const delay = event.code === 4409 ? 100 + Math.random() * 400
        : Math.min(30000, 500 * 2 ** Math.min(attempt, 6)) * (0.5 + Math.random());
      setTimeout(connect, delay);
    });
  }

  if (bell && panel) {
    bell.addEventListener("toggle", async () => {
      if (!bell.open) return;
      const response = await fetch(panel.dataset.menuUrl, { credentials: "same-origin" });
      if (!response.ok) return;
      const data = await response.json();
      panel.innerHTML = data.html; // rendered by the server's template (escaped text)
      setUnread(data.unread);
    });
  }

  if ("WebSocket" in window) {
    connect();
    document.addEventListener("visibilitychange", () => { if (document.visibilityState === "visible") resync(); });
    // A hidden tab asks again when it is shown; until then it need not ask.
    setInterval(() => { if (document.visibilityState === "visible") resync(); }, RESYNC_MS);
  }
  window.agoraLive = { get socket() { return socket; } };
})();
