// Tremplin page helpers: French loading text, "page ready" in the live region, the visit
// carried by the links home, and a French message if the page's kernel goes away.
(function () {
  "use strict";
  var TOKEN = /^[A-Za-z0-9_-]{20,64}$/;
  var READY = "La page est prête.";
  var LOADING = "Chargement de la page, merci de patienter…";

  function say(text) {
    var status = document.getElementById("tremplin-status");
    if (status) { status.textContent = text; }
  }

  // Voilà's own text is "Executing 2 of 5": keep one calm French sentence instead.
  window.update_loading_text = function () {
    var el = document.getElementById("loading_text");
    if (el) { el.textContent = LOADING; }
  };
  window.voila_process = window.update_loading_text;

  var displayCells = window.display_cells;
  window.display_cells = function () {
    displayCells();
    if (!document.getElementById("loading")) { say(READY); watchKernel(); }
  };
  window.voila_finish = window.display_cells;

  // The links home keep the learner's visit, so nobody types their pseudonym twice.
  document.addEventListener("DOMContentLoaded", function () {
    var visit = new URLSearchParams(window.location.search).get("visit");
    if (!visit || !TOKEN.test(visit)) { return; }
    document.querySelectorAll("a.tremplin-home-link").forEach(function (link) {
      link.href = link.getAttribute("href").split("?")[0] + "?visit=" + encodeURIComponent(visit);
    });
  });

  // A kernel culled for idleness, or one that died, leaves widgets that no longer answer.
  var watching = false;
  function watchKernel() {
    if (watching) { return; }
    watching = true;
    var config = document.getElementById("jupyter-config-data");
    var kernelId;
    try { kernelId = JSON.parse(config.textContent).kernelId; } catch (e) { return; }
    if (!kernelId) { return; }
    var base = document.body.getAttribute("data-base-url").replace(/voila\/$/, "");
    var timer = setInterval(function () {
      fetch(base + "api/kernels/" + kernelId, { credentials: "same-origin" })
        .then(function (response) {
          if (response.status === 404) { return { execution_state: "dead" }; }
          return response.ok ? response.json() : null;
        })
        .then(function (model) {
          if (model && model.execution_state === "dead") {
            clearInterval(timer);
            var lost = document.getElementById("tremplin-kernel-lost");
            if (lost) { lost.hidden = false; }
            say(lost ? lost.textContent.trim() : "");
          }
        })
        .catch(function () { /* the server may be restarting: try again later */ });
    }, 20000);
  }
})();
