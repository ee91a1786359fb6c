// The saved replies' search box in a conversation's composer (staff): results as you type,
// and a chosen reply inserted where the cursor is, its placeholders already filled by the
// server. Without JavaScript the box is a search form whose results open the page with the
// reply in the composer.
(function () {
  "use strict";
  const picker = document.querySelector("[data-saved-search]");
  const textarea = document.querySelector("#reply textarea");
  if (!picker || !textarea) return;
  const input = picker.querySelector("input[type=search]");
  const results = picker.querySelector(".saved-results");
  let timer = null;
  let asked = 0;

  function insert(text) {
    const start = textarea.selectionStart ?? textarea.value.length;
    const end = textarea.selectionEnd ?? start;
    textarea.value = textarea.value.slice(0, start) + text + textarea.value.slice(end);
    textarea.focus();
    textarea.selectionStart = textarea.selectionEnd = start + text.length;
    textarea.dispatchEvent(new Event("input", { bubbles: true }));
  }

  function show(replies) {
    results.replaceChildren();
    for (const reply of replies) {
      const item = document.createElement("li");
      const button = document.createElement("button");
      button.type = "button";
      button.className = "button button-small button-ghost";
      button.textContent = reply.title; // text, never HTML
      button.addEventListener("click", () => { insert(reply.body); picker.open = false; });
      const language = document.createElement("span");
      language.className = "badge";
      language.textContent = reply.language;
      item.append(button, " ", language);
      results.append(item);
    }
  }

  async function search() {
    const query = input.value.trim();
    const mine = ++asked;
    if (!query) { results.replaceChildren(); return; }
    const response = await fetch(picker.dataset.savedSearch + "&q=" + encodeURIComponent(query), { credentials: "same-origin" });
    if (!response.ok || mine !== asked) return;
    show((await response.json()).replies);
  }

  input.addEventListener("input", () => { clearTimeout(timer); timer = setTimeout(() => search().catch(() => {}), 150); });
  picker.querySelector("form").addEventListener("submit", (event) => { event.preventDefault(); search().catch(() => {}); });
})();
