// Tremplin page helpers: the page's language (French, or English with `lang=en` in the
// address), calm loading text, "page ready" in the live region, the visit and the language
// carried by the links home, a message if the page's kernel goes away, and the end of a
// visit (inactivity warning, « Terminer ma visite », nothing left in the browser).
(function () {
  "use strict";
  var TOKEN = /^[A-Za-z0-9_-]{43}$/;
  var query = new URLSearchParams(window.location.search);

  // ---- The language ---------------------------------------------------------------------
  // It travels in the address only (never in the browser's storage); the page's kernel reads
  // the same `lang=`. The words are strings.j2's, embedded in the page as #tremplin-strings.
  var STRINGS = {};
  try {
    STRINGS = JSON.parse(document.getElementById("tremplin-strings").textContent);
  } catch (e) { /* no table: the page stays in French, as written */ }
  var asked = (query.get("lang") || "").trim().toLowerCase();
  var LANG = (asked === "en" || asked === "fr") && STRINGS[asked] ? asked : "fr";
  document.documentElement.lang = LANG;  // early: other scripts (tremplin-display.js) read it

  function word(key) {
    var own = STRINGS[LANG] || {};
    var french = STRINGS.fr || {};
    return own[key] || french[key] || "";
  }

  function withLanguage(params) {
    if (LANG !== "fr") { params.set("lang", LANG); }
    return params;
  }

  // The other language: the same page, the same visit.
  function switchHref(token) {
    var params = new URLSearchParams();
    query.forEach(function (value, name) {
      if (name !== "lang" && name !== "visit" && name !== "fin") { params.append(name, value); }
    });
    if (token) { params.set("visit", token); }
    params.set("lang", word("switch_lang") || "en");
    return window.location.pathname + "?" + params.toString();
  }

  function translate() {
    document.querySelectorAll("[data-tremplin-text]").forEach(function (element) {
      var text = word(element.getAttribute("data-tremplin-text"));
      if (text && element.textContent !== text) { element.textContent = text; }
    });
    document.querySelectorAll("a.tremplin-lang-switch").forEach(function (link) {
      var other = word("switch_lang") || "en";
      link.setAttribute("hreflang", other);
      var label = link.querySelector("[data-tremplin-text]");
      if (label) { label.setAttribute("lang", other); }
      link.setAttribute("href", switchHref(visitToken() || knownToken));
    });
  }

  // Lesson text: an English cell (tagged `lang-en`) stands for the French cell just before it.
  function showLanguageCells() {
    document.querySelectorAll('[data-tremplin-lang="en"]').forEach(function (english) {
      var cell = english.closest("[cell-index]") || english;
      var before = cell.previousElementSibling;
      var french = before && (before.matches('[data-tremplin-lang="fr"]') ? before
        : before.querySelector('[data-tremplin-lang="fr"]'));
      if (LANG === "en") { if (french) { french.hidden = true; } } else { english.hidden = true; }
    });
  }

  translate();  // what is already there (the header, the loading text)
  var READY = word("ready") || "La page est prête.";
  var LOADING = word("loading") || "Chargement de la page, merci de patienter…";
  var plain = document.body.classList.contains("tremplin-plain");
  if (plain) {
    // Errors and the folder view: no kernel, no visit; only their words and the way home.
    var redirect = document.querySelector('meta[http-equiv="refresh"]');
    document.querySelectorAll("a.tremplin-home-link").forEach(function (link) {
      var params = withLanguage(new URLSearchParams()).toString();
      link.setAttribute("href", link.getAttribute("href").split("?")[0] + (params ? "?" + params : ""));
    });
    if (redirect && LANG !== "fr") {
      window.location.replace(document.body.getAttribute("data-tremplin-home") + "?lang=" + LANG);
    }
    return;
  }

  // Back or forward to a page of Tremplin: never show it from the browser's memory (it may
  // hold an ended visit's work, and its kernel is gone); ask the server again instead.
  var navigation = window.performance && performance.getEntriesByType
    ? performance.getEntriesByType("navigation")[0] : null;
  function reloadHidden() {
    document.documentElement.style.visibility = "hidden";
    window.location.reload();
  }
  if (navigation && navigation.type === "back_forward") { reloadHidden(); }
  window.addEventListener("pageshow", function (event) { if (event.persisted) { reloadHidden(); } });

  function say(text) {
    var status = document.getElementById("tremplin-status");
    if (status) { status.textContent = text; }
  }

  // ---- Check results, announced --------------------------------------------------------------
  // A « Vérifier » result replaces the previous one inside the panel's output widget as a new
  // element (role status, or alert for a failed check), and a live region inserted with its
  // message is not announced by every screen reader. So the output widget itself, which stays
  // on the page from its first drawing, is made the live region before any result arrives;
  // each new result passes it its kind (polite, or assertive for a failure) and keeps no role
  // of its own: every result is said, once.
  var OUTPUT = ".tremplin-feedback-output";
  var RESULT = ".tremplin-feedback-result[role]";

  function makeLive(output, urgent) {
    output.setAttribute("role", urgent ? "alert" : "status");
    output.setAttribute("aria-live", urgent ? "assertive" : "polite");
    output.setAttribute("aria-atomic", "true");
  }

  function handOver(result) {
    var output = result.closest(OUTPUT);
    if (!output) { return; }  // a result elsewhere keeps its own role
    var urgent = result.getAttribute("role") === "alert";
    ["role", "aria-live", "aria-atomic"].forEach(function (name) { result.removeAttribute(name); });
    result.setAttribute("data-tremplin-announced", urgent ? "alert" : "status");
    makeLive(output, urgent);
  }

  function watchResults() {
    function found(node) {
      if (node.matches(OUTPUT) && !node.hasAttribute("role")) { makeLive(node, false); }
      node.querySelectorAll(OUTPUT).forEach(function (output) {
        if (!output.hasAttribute("role")) { makeLive(output, false); }
      });
      if (node.matches(RESULT)) { handOver(node); }
      node.querySelectorAll(RESULT).forEach(handOver);
    }
    found(document.body);
    new MutationObserver(function (changes) {
      changes.forEach(function (change) {
        // ipywidgets gives a view its classes after the view joined the page (tried: without
        // this branch the panel's output never became a live region)
        if (change.type === "attributes") {
          if (change.target.matches(OUTPUT) && !change.target.hasAttribute("role")) {
            makeLive(change.target, false);
          }
          return;
        }
        change.addedNodes.forEach(function (node) { if (node.nodeType === 1) { found(node); } });
      });
    }).observe(document.body, { childList: true, subtree: true, attributes: true, attributeFilter: ["class"] });
  }
  if (document.body) { watchResults(); } else { document.addEventListener("DOMContentLoaded", watchResults); }

  // Voilà's own text is "Executing 2 of 5": keep one calm French sentence instead.
  window.update_loading_text = function () {
    var el = document.getElementById("loading_text");
    if (el) { el.textContent = LOADING; }
  };
  window.voila_process = window.update_loading_text;

  var displayCells = window.display_cells;
  window.display_cells = function () {
    translate();
    showLanguageCells();
    displayCells();
    if (!document.getElementById("loading")) { say(READY); watchKernel(); lastInput = Date.now(); }
  };
  window.voila_finish = window.display_cells;

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
          if (model && model.execution_state === "dead" && !ending) {
            clearInterval(timer);
            var lost = document.getElementById("tremplin-kernel-lost");
            if (lost) { lost.hidden = false; }
            say(lost ? lost.textContent.trim() : "");
          }
        })
        .catch(function () { /* the server may be restarting: try again later */ });
    }, 20000);
  }

  // ---- The visit ------------------------------------------------------------------------
  // A page knows its visit from `?visit=` or, on the home page once the learner signed in,
  // from the element the page shows (data-tremplin-visit). Timings come from visit.json.
  var settings = { warn_after_s: 600, end_after_s: 720 };
  var ending = false;
  var knownToken = null;
  var lastInput = Date.now();
  var lastShared = 0;
  var leavingSince = 0;  // a link was followed: the next page is on its way, stop counting
  var widgetsShown = 0;  // widgets still appearing: the learner could not act yet
  var returnFocus = null;
  var channel = "BroadcastChannel" in window ? new BroadcastChannel("tremplin-visite") : null;

  function homeUrl() { return document.body.getAttribute("data-tremplin-home"); }

  function visitToken() {
    var fromUrl = query.get("fin") ? null : query.get("visit");
    if (fromUrl && TOKEN.test(fromUrl)) { return fromUrl; }
    var shown = document.querySelector("[data-tremplin-visit]");
    var token = shown ? shown.getAttribute("data-tremplin-visit") : null;
    return token && TOKEN.test(token) ? token : null;
  }

  // Nothing of the learner may stay: storage of every kind this origin could have used.
  // (Voilà's own cookies, _xsrf and its anonymous session, hold nothing about anyone and
  // existed before the visit; its page needs _xsrf to shut its kernel down on leaving.)
  function forget() {
    try { window.localStorage.clear(); } catch (e) { /* storage disabled */ }
    try { window.sessionStorage.clear(); } catch (e) { /* storage disabled */ }
    if (window.indexedDB && indexedDB.databases) {
      indexedDB.databases().then(function (bases) {
        bases.forEach(function (base) { if (base.name) { indexedDB.deleteDatabase(base.name); } });
      }).catch(function () { /* nothing to delete */ });
    }
    if (window.caches && caches.keys) {
      caches.keys().then(function (keys) { keys.forEach(function (key) { caches.delete(key); }); })
        .catch(function () { /* nothing to delete */ });
    }
  }

  function share(kind, extra) {
    if (!channel || !knownToken) { return; }
    var message = { kind: kind, token: knownToken };
    if (extra) { message.reason = extra; }
    channel.postMessage(message);
  }

  // End the visit: the home page's kernel deletes the token (`fin=`), every kernel of the
  // visit then shuts down (widgets/visit.py guard_visit), and the other tabs go home too.
  function endVisit(reason) {
    if (ending) { return; }
    ending = true;
    var token = visitToken() || knownToken;
    share("end", reason);
    forget();
    var params = new URLSearchParams({ fin: reason });
    if (token) { params.set("visit", token); }
    window.location.replace(homeUrl() + "?" + withLanguage(params).toString());
  }

  function leave(reason) {
    if (ending) { return; }
    ending = true;
    forget();
    var params = withLanguage(new URLSearchParams({ fin: reason || "terminee" }));
    window.location.replace(homeUrl() + "?" + params.toString());
  }

  function dialog() { return document.getElementById("tremplin-idle"); }

  function showWarning(secondsLeft) {
    var box = dialog();
    if (!box) { return; }
    var count = document.getElementById("tremplin-idle-count");
    if (count) { count.textContent = String(Math.max(0, Math.ceil(secondsLeft))); }
    if (box.hidden) {
      returnFocus = document.activeElement;
      box.hidden = false;
      var button = document.getElementById("tremplin-idle-continue");
      if (button) { button.focus(); }
    }
  }

  function hideWarning() {
    var box = dialog();
    if (!box || box.hidden) { return; }
    box.hidden = true;
    if (returnFocus && returnFocus.focus) { returnFocus.focus(); }
    returnFocus = null;
  }

  function warningShown() { var box = dialog(); return box && !box.hidden; }

  function active() {
    lastInput = Date.now();
    hideWarning();
    if (lastInput - lastShared > 5000) { lastShared = lastInput; share("active"); }
  }

  function keepLinks(token) {
    document.querySelectorAll("a.tremplin-home-link").forEach(function (link) {
      var params = new URLSearchParams();
      if (token) { params.set("visit", token); }
      var tail = withLanguage(params).toString();
      link.setAttribute("href", link.getAttribute("href").split("?")[0] + (tail ? "?" + tail : ""));
    });
    document.querySelectorAll("a.tremplin-lang-switch").forEach(function (link) {
      link.setAttribute("href", switchHref(token));
    });
    document.querySelectorAll("a.tremplin-end-link").forEach(function (link) { link.hidden = !token; });
  }

  function tick() {
    if (ending || (leavingSince && Date.now() - leavingSince < 120000)) { return; }
    leavingSince = 0;
    var ended = document.querySelector("[data-tremplin-ended]");
    if (ended) { share("end", ended.getAttribute("data-tremplin-ended")); leave("terminee"); return; }
    var token = visitToken();
    if (token !== knownToken) { knownToken = token || knownToken; keepLinks(token); }
    var widgets = document.querySelectorAll(".jupyter-widgets").length;
    if (widgets > widgetsShown) { widgetsShown = widgets; lastInput = Date.now(); }
    if (!token) { lastInput = Date.now(); hideWarning(); return; }
    var idle = (Date.now() - lastInput) / 1000;
    if (idle >= settings.end_after_s) { endVisit("inactivite"); }
    else if (idle >= settings.warn_after_s) { showWarning(settings.end_after_s - idle); }
  }

  document.addEventListener("DOMContentLoaded", function () {
    try {
      var read = JSON.parse(document.getElementById("tremplin-visit-settings").textContent);
      if (read.warn_after_s > 0) { settings.warn_after_s = read.warn_after_s; }
      if (read.end_after_s > 0) { settings.end_after_s = read.end_after_s; }
    } catch (e) { /* keep the defaults */ }
    if (query.get("fin")) {
      // The visit just ended: forget the browser's storage and the token in the address.
      forget();
      var kept = withLanguage(new URLSearchParams()).toString();
      window.history.replaceState(null, "", window.location.pathname + (kept ? "?" + kept : ""));
    }
    ["keydown", "pointerdown", "mousemove", "wheel", "touchstart", "input", "scroll"].forEach(function (name) {
      window.addEventListener(name, function () { if (!warningShown()) { active(); } },
        { capture: true, passive: true });
    });
    var button = document.getElementById("tremplin-idle-continue");
    if (button) { button.addEventListener("click", active); }
    window.addEventListener("beforeunload", function () { leavingSince = Date.now(); hideWarning(); });
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && warningShown()) { active(); }
      if (event.key === "Tab" && warningShown()) { event.preventDefault(); button.focus(); }
    });
    document.querySelectorAll("a.tremplin-end-link").forEach(function (link) {
      link.addEventListener("click", function (event) { event.preventDefault(); endVisit("terminee"); });
    });
    if (channel) {
      channel.onmessage = function (event) {
        var message = event.data || {};
        if (!knownToken || message.token !== knownToken) { return; }
        if (message.kind === "active") { lastInput = Date.now(); hideWarning(); }
        if (message.kind === "end") { leave(message.reason); }
      };
    }
    translate();  // the parts after this script (kernel-lost alert, inactivity dialog)
    keepLinks(visitToken());  // the language, at least, before any visit is known
    tick();
    setInterval(tick, 1000);
  });
})();
