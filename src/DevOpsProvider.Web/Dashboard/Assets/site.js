// Live sync progress without a page reload: every element with data-progress-url polls it for
// {"running": bool, "sent": n, "pending": n, "percent": n} and updates its <progress> and text.
(function () {
  "use strict";
  function watch(el) {
    var url = el.getAttribute("data-progress-url");
    var bar = el.querySelector("progress");
    var text = el.querySelector("[data-progress-text]");
    function tick() {
      fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (p) {
          if (!p) { return; }
          if (bar) { bar.max = 100; bar.value = p.percent; }
          if (text) { text.textContent = p.sent + " of " + p.pending + " components sent (" + p.percent + "%)" + (p.running ? "" : " — done"); }
          el.setAttribute("data-state", p.running ? "running" : "done");
          if (p.running || p.percent < 100) { setTimeout(tick, 700); }
        })
        .catch(function () { setTimeout(tick, 2000); });
    }
    tick();
  }
  document.querySelectorAll("[data-progress-url]").forEach(watch);
})();
