// planner's pages: the progress bar of a background run and the budget slider's label.
// Served by the app itself; no framework, no CDN.
(function () {
  "use strict";
  function poll(job) {
    var id = job.getAttribute("data-run");
    fetch("/api/v1/runs/" + id, { credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (run) {
        var pct = Math.round((run.progress || 0) * 100);
        document.getElementById("progress").style.width = pct + "%";
        document.getElementById("percent").textContent = pct;
        var label = job.getAttribute("data-text-" + run.status);
        if (label) { document.getElementById("status").textContent = label; }
        var phase = run.message && job.getAttribute("data-phase-" + run.message);
        if (phase) { document.getElementById("phase").textContent = phase; }
        if (run.status === "finished" || run.status === "failed" || run.status === "cancelled") {
          window.location.reload();
        } else {
          setTimeout(function () { poll(job); }, 700);
        }
      })
      .catch(function () { setTimeout(function () { poll(job); }, 2000); });
  }
  document.addEventListener("DOMContentLoaded", function () {
    var job = document.getElementById("job");
    if (job) {
      var status = job.getAttribute("data-status");
      if (status === "queued" || status === "running") { poll(job); }
    }
    Array.prototype.forEach.call(document.querySelectorAll("input[type=range][data-output]"), function (input) {
      var out = document.getElementById(input.getAttribute("data-output"));
      var show = function () { out.textContent = input.value; };
      input.addEventListener("input", show);
      show();
    });
  });
})();
