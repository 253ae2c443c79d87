/*
 * Shop-floor tablet helpers, plain ES2019: dialogs, the on-screen number pad, and retrying a
 * form whose request never reached the server (flaky Wi-Fi). A retry re-sends the same form,
 * with the same event id, so the server counts it once however often it arrives.
 */
(function () {
  "use strict";
  var RETRIES = 4;

  function dialogOf(el) { return el.closest("dialog"); }

  function targetInput(dialog) {
    var last = dialog._numpadTarget;
    if (last && dialog.contains(last)) return last;
    return dialog.querySelector("[data-numpad-input]");
  }

  document.addEventListener("click", function (event) {
    var opener = event.target.closest("[data-open]");
    if (opener) {
      var dialog = document.getElementById(opener.getAttribute("data-open"));
      if (dialog) {
        dialog.showModal();
        var first = dialog.querySelector("[data-numpad-input]");
        if (first) { dialog._numpadTarget = first; first.focus(); }
      }
      return;
    }
    var key = event.target.closest(".numpad-key");
    if (key) {
      var input = targetInput(dialogOf(key) || document.body);
      if (!input) return;
      var k = key.getAttribute("data-key");
      if (k === "back") input.value = input.value.slice(0, -1);
      else if (k !== "." || input.value.indexOf(".") < 0) input.value += k;
      input.dispatchEvent(new Event("input", { bubbles: true }));
    }
  });

  document.addEventListener("focusin", function (event) {
    if (event.target.matches && event.target.matches("[data-numpad-input]")) {
      var dialog = dialogOf(event.target);
      if (dialog) dialog._numpadTarget = event.target;
    }
  });

  function say(text, bad) {
    var box = document.getElementById("floor-connection");
    if (!box) {
      box = document.createElement("p");
      box.id = "floor-connection";
      box.setAttribute("role", "status");
      document.body.appendChild(box);
    }
    box.textContent = text;
    box.className = bad ? "floor-connection floor-connection-bad" : "floor-connection";
    box.hidden = !text;
  }

  function retry(event) {
    var form = event.detail.elt;
    if (!form || form.tagName !== "FORM") return;
    var tries = (form._taktTries || 0) + 1;
    form._taktTries = tries;
    if (tries > RETRIES) {
      say("No connection. Your tap was kept: tap the button again when the network is back.", true);
      form._taktTries = 0;
      return;
    }
    say("Connection lost, sending again (" + tries + " of " + RETRIES + ")…", true);
    setTimeout(function () { if (form.isConnected) htmx.trigger(form, "submit"); }, 1000 * tries);
  }

  // The machine view refreshes itself (hx-trigger "every 30s"), but not while a dialog is open:
  // a count typed half-way must not vanish. (A trigger filter would need eval, which the
  // Content-Security-Policy refuses.) Dialogs close with data-close (static/js/behaviours.js).
  document.addEventListener("htmx:beforeRequest", function (event) {
    var elt = event.detail.elt;
    if (elt.hasAttribute("data-refresh-unless-dialog") && document.querySelector("dialog[open]")) {
      event.preventDefault();
    }
  });

  document.addEventListener("htmx:sendError", retry);
  document.addEventListener("htmx:timeout", retry);
  document.addEventListener("htmx:afterRequest", function (event) {
    if (event.detail.successful) say("", false);
  });
  document.addEventListener("htmx:configRequest", function () {
    if (window.htmx) htmx.config.timeout = 10000;
  });
})();
