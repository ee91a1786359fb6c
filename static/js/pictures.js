// Pictures in the composer: the "Add pictures" button, pasting and dropping files into the
// message. Each file is sent to the server (which re-encodes it or says why not) with a
// progress bar, and the Markdown it answers with takes the place of a placeholder where the
// cursor was. Without JavaScript the link to /uploads/new/ does the same, by copy and paste.
(function () {
  "use strict";
  const MAX_AT_ONCE = 10;
  const csrf = () => (document.cookie.match(/(?:^|; )csrftoken=([^;]+)/) || [])[1] || "";

  document.querySelectorAll("[data-pictures]").forEach((picker) => {
    const form = picker.closest("form");
    const body = form && form.querySelector("textarea[name=body]");
    if (!body || !window.FormData) return;
    const list = picker.querySelector("[data-picker-list]");
    const submits = [...form.querySelectorAll("button[type=submit], button:not([type])")];
    let pending = 0;

    const input = Object.assign(document.createElement("input"), { type: "file", multiple: true, accept: picker.dataset.accept, hidden: true });
    input.tabIndex = -1;
    const button = Object.assign(document.createElement("button"), { type: "button", className: "button button-small button-ghost", textContent: picker.dataset.label });
    picker.querySelector("[data-picker-fallback]").replaceWith(button);
    picker.append(input);
    picker.querySelector("[data-picker-help]").hidden = false;

    const changed = () => body.dispatchEvent(new Event("input", { bubbles: true })); // drafts keep it
    const insert = (text) => {
      const start = body.selectionStart ?? body.value.length;
      const before = body.value.slice(0, start);
      const after = body.value.slice(body.selectionEnd ?? start);
      const lead = !before ? "" : before.endsWith("\n\n") ? "" : before.endsWith("\n") ? "\n" : "\n\n";
      const chunk = `${lead}${text}\n\n`;
      body.value = before + chunk + after.replace(/^\n+/, "");
      body.selectionStart = body.selectionEnd = before.length + chunk.length;
      changed();
    };
    const replace = (placeholder, text) => {
      const at = body.value.indexOf(placeholder);
      if (at < 0) { if (text) insert(text); return; }
      body.value = body.value.slice(0, at) + text + body.value.slice(at + placeholder.length);
      changed();
    };
    // A post sent while a picture is on its way would keep the placeholder: wait for it.
    const busy = (delta) => {
      pending += delta;
      submits.forEach((submit) => { submit.disabled = pending > 0; });
    };

    const send = (file) => {
      const item = document.createElement("li");
      const progress = Object.assign(document.createElement("progress"), { max: 100, value: 0 });
      progress.setAttribute("aria-label", file.name);
      item.append(Object.assign(document.createElement("span"), { className: "picture-name", textContent: file.name }), progress);
      list.append(item);
      const placeholder = `![${picker.dataset.uploading.replace("{name}", file.name.replace(/[[\]]/g, ""))}]()`;
      insert(placeholder);
      busy(1);
      const fail = (message) => {
        replace(placeholder, "");
        item.className = "picture-failed";
        item.setAttribute("role", "alert");
        progress.remove();
        item.append(Object.assign(document.createElement("span"), { textContent: ` ${message}` }));
      };
      const request = new XMLHttpRequest();
      request.open("POST", picker.dataset.uploadUrl);
      request.setRequestHeader("X-CSRFToken", csrf());
      request.setRequestHeader("Accept", "application/json");
      request.upload.addEventListener("progress", (event) => {
        if (event.lengthComputable) progress.value = Math.round((event.loaded / event.total) * 100);
      });
      request.addEventListener("load", () => {
        let answer = {};
        try { answer = JSON.parse(request.responseText); } catch { /* not JSON: a proxy's page */ }
        if (request.status === 201 && answer.markdown) {
          replace(placeholder, answer.markdown);
          item.remove();
        } else {
          fail(answer.error || picker.dataset.failed);
        }
      });
      request.addEventListener("error", () => fail(picker.dataset.failed));
      request.addEventListener("loadend", () => busy(-1));
      const data = new FormData();
      data.append("file", file, file.name);
      request.send(data);
    };
    const sendAll = (files) => {
      list.querySelectorAll(".picture-failed").forEach((old) => old.remove());
      files.slice(0, MAX_AT_ONCE).forEach(send);
    };

    button.addEventListener("click", () => input.click());
    input.addEventListener("change", () => { sendAll([...input.files]); input.value = ""; });
    body.addEventListener("paste", (event) => {
      const clipboard = event.clipboardData;
      const files = [...((clipboard && clipboard.files) || [])];
      // Text copied from a document often comes with a picture of itself: the text is what was meant.
      if (!files.length || [...clipboard.types].includes("text/plain")) return;
      event.preventDefault();
      sendAll(files);
    });
    const carriesFiles = (event) => event.dataTransfer && [...event.dataTransfer.types].includes("Files");
    body.addEventListener("dragover", (event) => {
      if (!carriesFiles(event)) return;
      event.preventDefault();
      body.classList.add("dropping");
    });
    body.addEventListener("dragleave", () => body.classList.remove("dropping"));
    body.addEventListener("drop", (event) => {
      body.classList.remove("dropping");
      const files = [...((event.dataTransfer && event.dataTransfer.files) || [])];
      if (!files.length) return;
      event.preventDefault();
      body.focus();
      sendAll(files);
    });
  });
})();
