// A vote for an idea in one click, without a reload: the form is sent with fetch() and the
// count and the button change in place. Without JavaScript the same form reloads the page.
(function () {
  "use strict";

  document.addEventListener("submit", async function (event) {
    const form = event.target.closest("form[data-idea-vote]");
    if (!form || !window.agoraSend) return; // without keyboard.js the browser sends it
    event.preventDefault();
    const button = form.querySelector("button");
    const state = await window.agoraSend(form, button);
    if (!state) {
      form.submit(); // the page then says why (a closed idea, a cap reached, a lost session)
      return;
    }
    const action = form.querySelector('input[name="action"]');
    action.value = state.voted ? "withdraw" : "vote";
    button.setAttribute("aria-pressed", state.voted ? "true" : "false");
    button.classList.toggle("is-on", state.voted);
    button.textContent = state.voted ? button.dataset.labelOn : button.dataset.labelOff;
    const count = document.querySelector("[data-idea-count]");
    if (count) count.textContent = state.votes;
  });
})();
