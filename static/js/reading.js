// Following a post's author from the card beside the post, without a reload: the card's form is
// sent with fetch() and every card of that author on the page changes. Without JavaScript the
// same form comes back to the post.
(function () {
  "use strict";
  document.addEventListener("submit", async function (event) {
    const form = event.target.closest("form[data-follow-member]");
    if (!form || !window.agoraSend) return; // without keyboard.js the browser sends it
    event.preventDefault();
    const button = event.submitter || form.querySelector("button");
    const state = await window.agoraSend(form, button);
    if (!state) {
      // As without the script (form.submit() sends no button): the page then says why.
      const action = document.createElement("input");
      Object.assign(action, { type: "hidden", name: "action", value: button.value });
      form.append(action);
      form.submit();
      return;
    }
    const who = form.dataset.followMember;
    document.querySelectorAll("form[data-follow-member]").forEach((other) => {
      if (other.dataset.followMember !== who) return;
      const each = other.querySelector("button");
      const name = each.querySelector(".visually-hidden");
      each.value = state.following ? "unfollow" : "follow";
      each.className = state.following ? "button button-small button-ghost" : "button button-small";
      if (state.following) each.setAttribute("aria-pressed", "true"); else each.removeAttribute("aria-pressed");
      each.textContent = state.following ? other.dataset.labelFollowing : other.dataset.labelFollow;
      if (name) each.append(name);
    });
  });
})();

// Reports how far the member has read the thread on this page: the last post that came into
// view, sent with navigator.sendBeacon when the page is left or hidden, and every few seconds
// while new posts come into view (replies that arrive live included). The server keeps the
// furthest post and writes it a few seconds later (reading/tracker.py). Without JavaScript
// nothing is reported: a thread link still opens the thread, and "Mark all as read" works.
(function () {
  "use strict";
  const form = document.querySelector("[data-reading-report]");
  const posts = document.getElementById("posts");
  if (!form || !posts || !navigator.sendBeacon || !("IntersectionObserver" in window)) return;
  const EVERY_MS = 10000;
  let furthest = 0;
  let reported = 0;

  function postId(element) {
    const match = /^post-(\d+)$/.exec(element.id || "");
    return match ? Number(match[1]) : 0;
  }

  function report() {
    if (furthest <= reported) return;
    const data = new FormData(form);
    data.set("post", String(furthest));
    if (navigator.sendBeacon(form.action, data)) reported = furthest;
  }

  // A post counts as read once its end has been on screen.
  const observer = new IntersectionObserver(
    (entries) => {
      for (const entry of entries) {
        const rect = entry.boundingClientRect;
        if (entry.isIntersecting && rect.bottom <= (window.innerHeight || document.documentElement.clientHeight) + 1) {
          furthest = Math.max(furthest, postId(entry.target));
          observer.unobserve(entry.target);
        }
      }
    },
    { threshold: [0, 0.25, 0.5, 0.75, 1] },
  );
  function watch(root) {
    root.querySelectorAll("article[id^='post-']").forEach((article) => observer.observe(article));
  }
  watch(posts);
  new MutationObserver((changes) => {
    for (const change of changes) {
      change.addedNodes.forEach((node) => {
        if (node.nodeType !== 1) return;
        if (postId(node)) observer.observe(node);
        else watch(node);
      });
    }
  }).observe(posts, { childList: true, subtree: true });

  setInterval(report, EVERY_MS);
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "hidden") report();
  });
  window.addEventListener("pagehide", report);
})();
