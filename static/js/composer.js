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
    // Listened to on the document, so that the Quote link of a reply inserted live works too.
    document.addEventListener("click", async (event) => {
      const link = event.target.closest("a[data-quote]");
      if (!link) return;
      event.preventDefault();
      const response = await fetch(link.href, { credentials: "same-origin" });
      if (!response.ok) { window.location = link.href; return; }
      const page = new DOMParser().parseFromString(await response.text(), "text/html");
      const quoted = page.querySelector("textarea[name=body]");
      if (!quoted) return;
      replyBody.value = (replyBody.value ? replyBody.value.replace(/\s*$/, "\n\n") : "") + quoted.value;
      replyBody.dispatchEvent(new Event("input", { bubbles: true })); // kept as a draft like typing
      replyBody.focus();
      replyBody.scrollIntoView({ block: "center" });
    });
  }
})();

// Drafts: what a member types in a composer (a new thread, a reply, an edit) is kept in
// localStorage under the form's data-draft key (the member's id and the form's purpose:
// the thread for a reply, the post for an edit, the category for a new thread), so that it
// survives navigation, a reload or a crash. Sending clears it: on submit the key is noted in
// sessionStorage; the page the server answers with either shows the same form with its errors
// (the draft stays) or is where the redirect landed (the draft goes). Leaving a page with
// unsent text asks first (beforeunload), except when submitting it.
(function () {
  "use strict";
  const PREFIX = "agora:draft:";
  const SENT = "agora:draft-sent";
  const FIELDS = ["category", "title", "tags", "body"];
  const KEEP_MS = 30 * 24 * 3600 * 1000;
  const SENT_MS = 5 * 60 * 1000; // a submit older than this says nothing about the page now shown
  const forms = [...document.querySelectorAll("form.composer[data-draft]")];

  const storage = (kind) => { try { return window[kind]; } catch { return null; } };
  const local = storage("localStorage");
  const session = storage("sessionStorage");
  const read = (key) => { try { return JSON.parse(local.getItem(PREFIX + key)); } catch { return null; } };
  const write = (key, fields) => { try { local.setItem(PREFIX + key, JSON.stringify({ fields, saved: Date.now() })); } catch { /* full or refused: the page still works */ } };
  const forget = (key) => { try { local.removeItem(PREFIX + key); } catch { /* nothing kept */ } };

  const fieldsOf = (form) => FIELDS.map((name) => form.elements.namedItem(name)).filter((field) => field && field.name);
  const initial = (field) => {
    if (field.tagName !== "SELECT") return field.defaultValue;
    const chosen = [...field.options].find((option) => option.defaultSelected) || field.options[0];
    return chosen ? chosen.value : "";
  };
  // A form the server refused (shown again with its errors) holds unsent text even untouched.
  const refused = new Set(forms.filter((form) => form.querySelector(".form-errors, .errorlist")));
  const unsent = (form) => {
    const fields = fieldsOf(form);
    const written = fields.some((field) => field.tagName !== "SELECT" && field.value.trim());
    return written && (refused.has(form) || fields.some((field) => field.value !== initial(field)));
  };
  const values = (form) => Object.fromEntries(fieldsOf(form).map((field) => [field.name, field.value]));
  const keyOf = (form) => {
    const by = form.dataset.draftBy && form.elements.namedItem(form.dataset.draftBy);
    return by ? form.dataset.draft + ":" + by.value : form.dataset.draft;
  };
  // A new thread's draft is kept per category; a form that names none ("Start a thread" in
  // the header) offers the latest one, whatever its category.
  const draftFor = (form) => {
    const found = read(keyOf(form));
    const by = form.dataset.draftBy && form.elements.namedItem(form.dataset.draftBy);
    if (found || !by || initial(by)) return found;
    let latest = null;
    try {
      for (let i = 0; i < local.length; i += 1) {
        const name = local.key(i);
        if (!name || !name.startsWith(PREFIX + form.dataset.draft + ":")) continue;
        const candidate = read(name.slice(PREFIX.length));
        if (candidate && (!latest || candidate.saved > latest.saved)) latest = candidate;
      }
    } catch { return null; }
    return latest;
  };

  // The page after a submit: was the text sent?
  let sent = null;
  try { sent = JSON.parse(session.getItem(SENT)); session.removeItem(SENT); } catch { sent = null; }
  if (sent && Date.now() - sent.at < SENT_MS) {
    const navigation = performance.getEntriesByType("navigation")[0];
    const cameBack = navigation && (navigation.type === "back_forward" || navigation.type === "reload");
    const again = [...refused].some((form) => keyOf(form) === sent.key);
    if (!cameBack && !again) forget(sent.key);
  }

  let submitting = false;
  forms.forEach((form) => {
    let key = keyOf(form);
    const note = form.querySelector("[data-draft-note]");
    const draft = draftFor(form);
    if (draft && draft.fields && Date.now() - draft.saved < KEEP_MS && !unsent(form)) {
      fieldsOf(form).forEach((field) => {
        const value = draft.fields[field.name];
        if (typeof value === "string") field.value = value;
        if (field.tagName === "SELECT" && field.value !== value) field.value = initial(field);
      });
      key = keyOf(form);
      if (note && unsent(form)) note.hidden = false;
    } else if (draft && Date.now() - (draft.saved || 0) >= KEEP_MS) {
      forget(key);
    }

    let timer = null;
    const save = () => {
      clearTimeout(timer);
      const now = keyOf(form);
      if (now !== key) { forget(key); key = now; } // a new thread's draft follows its category
      if (unsent(form)) write(key, values(form));
      else forget(key);
    };
    form.addEventListener("input", () => { clearTimeout(timer); timer = setTimeout(save, 250); });
    form.addEventListener("change", save);
    window.addEventListener("pagehide", () => { if (!submitting) save(); }); // typed just before leaving
    form.addEventListener("submit", (event) => {
      submitting = true;
      if (event.submitter && event.submitter.name === "preview") return; // the same form comes back
      save();
      try { session.setItem(SENT, JSON.stringify({ key, at: Date.now() })); } catch { /* the draft then stays */ }
    });
    if (note) {
      note.querySelector("button").addEventListener("click", () => {
        form.reset();
        forget(key);
        key = keyOf(form);
        note.hidden = true;
        const body = form.elements.namedItem("body");
        if (body) body.focus();
      });
    }
  });

  window.addEventListener("beforeunload", (event) => {
    if (submitting || !forms.some(unsent)) return;
    event.preventDefault();
    event.returnValue = ""; // older browsers need it set to ask
  });
  window.addEventListener("pageshow", (event) => { if (event.persisted) submitting = false; });
})();

// @mentions: after "@" and two letters in a message, offer matching members (/mentions/,
// members only). A listbox under the box; the textarea keeps the focus and points at the
// active option with aria-activedescendant. Arrows move, Enter or Tab insert "@username ",
// Escape closes; a click inserts too. Without JavaScript, typing @username works the same.
(function () {
  "use strict";
  const TOKEN = /(?<![\p{L}\p{N}_@/])@([\p{L}\p{N}_.+-]{2,30})$/u;
  let serial = 0;

  document.querySelectorAll("form.composer textarea[name=body]").forEach((box) => {
    serial += 1;
    const list = document.createElement("ul");
    list.id = (box.id || "composer-body-" + serial) + "-mentions";
    list.className = "mention-list";
    list.setAttribute("role", "listbox");
    list.hidden = true;
    const status = document.createElement("p");
    status.className = "visually-hidden";
    // A polite live region without the status role: the page's own status region is the
    // one that carries the result of an action (Django's messages).
    status.setAttribute("aria-live", "polite");
    box.after(list, status);
    box.setAttribute("aria-autocomplete", "list");
    box.setAttribute("aria-controls", list.id);

    let members = [];
    let active = -1;
    let token = null;
    let dismissedAt = -1;
    let timer = null;
    let asked = 0;
    let refused = false;

    function tokenAtCaret() {
      if (box.selectionStart !== box.selectionEnd) return null;
      const before = box.value.slice(0, box.selectionStart);
      const match = TOKEN.exec(before);
      return match ? { start: before.length - match[0].length, end: before.length, query: match[1] } : null;
    }

    function close() {
      list.hidden = true;
      list.replaceChildren();
      members = [];
      active = -1;
      box.removeAttribute("aria-activedescendant");
      status.textContent = "";
    }

    function highlight(index) {
      active = index;
      [...list.children].forEach((option, i) => option.setAttribute("aria-selected", String(i === index)));
      const option = list.children[index];
      if (!option) { box.removeAttribute("aria-activedescendant"); return; }
      box.setAttribute("aria-activedescendant", option.id);
      option.scrollIntoView({ block: "nearest" });
    }

    function choose(index) {
      const member = members[index];
      if (!member || !token) return;
      box.setRangeText("@" + member.username + " ", token.start, token.end, "end");
      close();
      token = null;
      box.focus();
      box.dispatchEvent(new Event("input", { bubbles: true }));
    }

    function show(data) {
      members = data.members;
      list.replaceChildren();
      if (!members.length) { close(); return; }
      list.setAttribute("aria-label", data.label);
      members.forEach((member, i) => {
        const option = document.createElement("li");
        option.id = list.id + "-" + i;
        option.setAttribute("role", "option");
        const name = document.createElement("span");
        name.className = "mention-name";
        name.textContent = member.name;
        const handle = document.createElement("span");
        handle.className = "mention-handle";
        handle.textContent = "@" + member.username;
        option.append(name, " ", handle);
        option.addEventListener("mousedown", (event) => event.preventDefault()); // the focus stays in the box
        option.addEventListener("click", () => choose(i));
        list.append(option);
      });
      list.hidden = false;
      status.textContent = data.status;
      highlight(0);
    }

    async function lookUp() {
      token = tokenAtCaret();
      if (!token || token.start === dismissedAt || refused) { if (!token) dismissedAt = -1; close(); return; }
      const ask = ++asked;
      const query = token.query;
      let response;
      try {
        response = await fetch("/mentions/?q=" + encodeURIComponent(query), { credentials: "same-origin", headers: { Accept: "application/json" } });
      } catch { return; }
      if (response.status === 403) { refused = true; return; }
      if (!response.ok || ask !== asked) return;
      const data = await response.json();
      const now = tokenAtCaret();
      if (ask === asked && now && now.query === query) show(data);
    }

    box.addEventListener("input", () => { clearTimeout(timer); timer = setTimeout(lookUp, 150); });
    box.addEventListener("blur", close);
    box.addEventListener("keydown", (event) => {
      if (list.hidden || event.isComposing || event.altKey || event.ctrlKey || event.metaKey) return;
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        event.preventDefault();
        const step = event.key === "ArrowDown" ? 1 : -1;
        highlight((active + step + members.length) % members.length);
      } else if ((event.key === "Enter" || event.key === "Tab") && !event.shiftKey && active >= 0) {
        event.preventDefault();
        choose(active);
      } else if (event.key === "Escape") {
        event.preventDefault();
        event.stopPropagation();
        dismissedAt = token ? token.start : -1;
        close();
      }
    });
  });
})();
