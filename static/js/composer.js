// Composer: live Markdown preview (the server renders it, like saving does) and
// quoting into the reply box without leaving the page. Without JavaScript the
// Preview button and the Quote link do the same through plain requests.
(function () {
  "use strict";
  const csrf = () => (document.cookie.match(/(?:^|; )csrftoken=([^;]+)/) || [])[1] || "";

  document.querySelectorAll("form.composer").forEach((form) => {
    const body = form.querySelector("textarea[name=body]");
    const previewButton = form.querySelector("button[name=preview]");
    if (!body || !previewButton) return;
    let panel = form.querySelector(".preview");
    previewButton.addEventListener("click", async (event) => {
      event.preventDefault();
      const data = new FormData();
      data.append("body", body.value);
      const response = await fetch("/preview/", { method: "POST", body: data, headers: { "X-CSRFToken": csrf() }, credentials: "same-origin" });
      if (!response.ok) return;
      if (!panel) {
        panel = document.createElement("section");
        panel.className = "preview card";
        panel.setAttribute("aria-live", "polite");
        const title = document.createElement("h3");
        title.textContent = previewButton.textContent;
        panel.append(title, Object.assign(document.createElement("div"), { className: "prose" }));
        form.querySelector(".form-actions").before(panel);
      }
      // The server's renderer sanitizes with an allow-list: this HTML is what a saved post shows.
      panel.querySelector(".prose").innerHTML = await response.text();
    });
  });

  const replyBody = document.querySelector("#reply textarea[name=body]");
  if (replyBody) {
    document.querySelectorAll("a[data-quote]").forEach((link) => {
      link.addEventListener("click", async (event) => {
        event.preventDefault();
        const response = await fetch(link.href, { credentials: "same-origin" });
        if (!response.ok) { window.location = link.href; return; }
        const page = new DOMParser().parseFromString(await response.text(), "text/html");
        const quoted = page.querySelector("textarea[name=body]");
        if (!quoted) return;
        replyBody.value = (replyBody.value ? replyBody.value.replace(/\s*$/, "\n\n") : "") + quoted.value;
        replyBody.focus();
        replyBody.scrollIntoView({ block: "center" });
      });
    });
  }
})();
