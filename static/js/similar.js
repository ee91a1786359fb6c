// While a member types a new thread's title, suggest existing threads that may
// already answer it. Suggestions are plain text links (textContent, never HTML).
(function () {
  "use strict";
  const title = document.querySelector("form.composer input[name=title]");
  if (!title) return;
  const box = document.createElement("section");
  box.className = "similar-box";
  box.hidden = true;
  box.setAttribute("aria-live", "polite");
  title.closest(".form-row").after(box);
  let timer = null;
  let last = "";

  async function look() {
    const text = title.value.trim();
    if (text === last) return;
    last = text;
    if (text.length < 4) { box.hidden = true; return; }
    const response = await fetch("/search/similar/?title=" + encodeURIComponent(text), { credentials: "same-origin" });
    if (!response.ok) return;
    const data = await response.json();
    box.replaceChildren();
    if (!data.threads.length) { box.hidden = true; return; }
    const heading = document.createElement("h3");
    heading.textContent = data.heading;
    const list = document.createElement("ul");
    for (const thread of data.threads) {
      const item = document.createElement("li");
      const link = document.createElement("a");
      link.href = thread.url;
      link.textContent = thread.title;
      item.append(link);
      if (thread.solved) {
        const badge = document.createElement("span");
        badge.className = "badge badge-solved";
        badge.textContent = "✓";
        item.append(" ", badge);
      }
      list.append(item);
    }
    box.append(heading, list);
    box.hidden = false;
  }

  title.addEventListener("input", () => { clearTimeout(timer); timer = setTimeout(look, 300); });
  look();
})();
