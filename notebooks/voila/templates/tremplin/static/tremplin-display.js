// Tremplin display modes: « Grands caractères » and « Contraste élevé », two toggle buttons
// in the page header. The choice lasts for the visit only (sessionStorage, which tremplin.js
// clears when a visit ends) and follows the learner from page to page. This script runs
// right after the header is parsed, before the page's content: the modes apply with no flash.
(function () {
  "use strict";
  var KEY = "tremplin-display";
  var LABELS = {
    fr: { group: "Affichage", large: "Grands caractères", contrast: "Contraste élevé" },
    en: { group: "Display", large: "Large text", contrast: "High contrast" }
  };
  var MODES = [
    { name: "large", css: "tremplin-large-text" },
    { name: "contrast", css: "tremplin-high-contrast" }
  ];
  var root = document.documentElement;
  var labels = (root.lang || "").toLowerCase().indexOf("en") === 0 ? LABELS.en : LABELS.fr;

  function read() {
    try { return JSON.parse(window.sessionStorage.getItem(KEY)) || {}; } catch (e) { return {}; }
  }

  function write(chosen) {
    try { window.sessionStorage.setItem(KEY, JSON.stringify(chosen)); } catch (e) { /* storage off */ }
  }

  // A visit that just ended (`?fin=`) keeps nothing of its learner, display choices included.
  if (new URLSearchParams(window.location.search).get("fin")) {
    try { window.sessionStorage.removeItem(KEY); } catch (e) { /* storage off */ }
  }
  var chosen = read();
  MODES.forEach(function (mode) { root.classList.toggle(mode.css, chosen[mode.name] === true); });

  function toggle(mode, button) {
    var on = button.getAttribute("aria-pressed") !== "true";
    chosen = read();
    chosen[mode.name] = on;
    write(chosen);
    root.classList.toggle(mode.css, on);
    button.setAttribute("aria-pressed", on ? "true" : "false");
  }

  function addButtons(header) {
    if (!header || header.querySelector(".tremplin-display")) { return; }
    var group = document.createElement("div");
    group.className = "tremplin-display";
    group.setAttribute("role", "group");
    group.setAttribute("aria-label", labels.group);
    MODES.forEach(function (mode) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "tremplin-display-toggle tremplin-display-" + mode.name;
      button.textContent = labels[mode.name];
      button.setAttribute("aria-pressed", chosen[mode.name] === true ? "true" : "false");
      button.addEventListener("click", function () { toggle(mode, button); });
      group.appendChild(button);
    });
    header.appendChild(group);
  }

  var header = document.querySelector("header.tremplin-header");
  if (header) { addButtons(header); } else {
    document.addEventListener("DOMContentLoaded", function () {
      addButtons(document.querySelector("header.tremplin-header"));
    });
  }
})();
