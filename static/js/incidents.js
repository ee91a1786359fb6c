// While a member writes a new thread, show the open incidents it may be about (by its
// category, tags or title). The server renders the hint (incidents/_hint_items.html, escaped).
(function () {
  "use strict";
  const hint = document.getElementById("incident-hint");
  const form = hint && hint.closest("form");
  if (!form) return;
  const fields = ["category", "title", "tags"].map((name) => form.elements.namedItem(name)).filter(Boolean);
  let timer = null;
  let last = "";

  async function look() {
    const query = new URLSearchParams(fields.map((field) => [field.name, field.value.trim()])).toString();
    if (query === last) return;
    last = query;
    const response = await fetch(hint.dataset.url + "?" + query, { credentials: "same-origin" });
    if (!response.ok) return;
    const data = await response.json();
    hint.innerHTML = data.html; // rendered by the server's template (escaped text)
    hint.hidden = !data.html;
  }

  for (const field of fields) {
    field.addEventListener(field.tagName === "SELECT" ? "change" : "input", () => {
      clearTimeout(timer);
      timer = setTimeout(() => look().catch(() => {}), 300);
    });
  }
})();
