/*
 * Small behaviours any page asks for with a data attribute, in place of inline handlers (the
 * Content-Security-Policy refuses those). Delegated from the document, so content htmx swaps
 * in later behaves the same.
 *
 *   <button data-close>                       closes the dialog it is in
 *   <button data-remove-row>                  removes the closest [data-row] (routing form rows)
 *   <select data-submit-on-change>            submits its form when the choice changes
 *   <a href="/" data-back>                    goes back a page (the link is the fallback)
 */
(function () {
  "use strict";

  document.addEventListener("click", function (event) {
    var target = event.target;
    if (!target.closest) return;
    var close = target.closest("[data-close]");
    if (close) {
      var dialog = close.closest("dialog");
      if (dialog) dialog.close();
      return;
    }
    var remove = target.closest("[data-remove-row]");
    if (remove) {
      var row = remove.closest("[data-row]");
      if (row) row.remove();
      return;
    }
    var back = target.closest("[data-back]");
    if (back && window.history.length > 1) {
      event.preventDefault();
      window.history.back();
    }
  });

  document.addEventListener("change", function (event) {
    var select = event.target;
    if (select.matches && select.matches("[data-submit-on-change]") && select.form) select.form.submit();
  });
})();
