// Keyboard and focus. The header's menus are <details> elements, which open and close
// without JavaScript; this adds what <details> lacks: Escape closes an open menu (and
// gives the focus back to its summary when it was inside), and opening one menu closes
// the others. After a one-click action (helpful, accept, endorse, follow) the server
// sends the browser back to the control's id as the fragment: without JavaScript the
// page scrolls there and Tab goes on from it; here the focus goes back onto it. Pages whose
// script sends such a form itself share agoraSend.
(function () {
  "use strict";
  const menus = () => document.querySelectorAll("details.dropdown[open]");

  document.addEventListener("keydown", (event) => {
    if (event.key !== "Escape" || event.defaultPrevented) return;
    menus().forEach((menu) => {
      const hadFocus = menu.contains(document.activeElement);
      menu.open = false;
      if (hadFocus) menu.querySelector("summary")?.focus();
    });
  });

  document.querySelectorAll("details.dropdown").forEach((menu) => {
    menu.addEventListener("toggle", () => {
      if (!menu.open) return;
      menus().forEach((other) => { if (other !== menu) other.open = false; });
    });
  });

  function returnFocus() {
    const id = decodeURIComponent(location.hash.slice(1));
    const target = id && document.getElementById(id);
    if (target && target.hasAttribute("data-return-focus")) target.focus({ preventScroll: true });
  }

  returnFocus();
  window.addEventListener("hashchange", returnFocus);

  // A one-click form sent by a page's script (ideas.js: a vote; reading.js: following an author):
  // the new state the server answers as JSON, or null when there is none (offline, refused), and
  // the caller then sends the form as the browser would, so that the page says why.
  window.agoraSend = async function (form, button) {
    const body = new FormData(form, button); // before disabling it: a disabled button sends nothing
    button.disabled = true;
    try {
      // form.action would be the input named "action": the address is the attribute.
      const response = await fetch(form.getAttribute("action"), {
        method: "POST",
        body,
        credentials: "same-origin",
        headers: { Accept: "application/json" },
      });
      return response.ok ? await response.json() : null;
    } catch (error) {
      return null;
    } finally {
      button.disabled = false;
    }
  };
})();
