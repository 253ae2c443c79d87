// Main navigation groups (templates/_nav.html): one open at a time; a click elsewhere or
// Escape closes it. Without this script the groups still open and close on their own.
(function () {
  "use strict";
  const groups = () => document.querySelectorAll("nav.mainnav details.navgroup");
  document.addEventListener("toggle", (event) => {
    const opened = event.target;
    if (!opened.matches || !opened.matches("details.navgroup") || !opened.open) return;
    groups().forEach((g) => { if (g !== opened) g.open = false; });
  }, true);
  document.addEventListener("click", (event) => {
    if (event.target.closest("details.navgroup")) return;
    groups().forEach((g) => { g.open = false; });
  });
  document.addEventListener("keydown", (event) => {
    if (event.key !== "Escape") return;
    groups().forEach((g) => {
      if (g.open) { g.open = false; g.querySelector("summary").focus(); }
    });
  });
})();
