// editions review: small conveniences on top of pages that work without JavaScript.
// No inline scripts (CSP script-src 'self'); nothing here builds HTML from strings.
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  // Job page: reload while the job is still queued or running (paused while the tab is hidden).
  if (document.body.dataset.live === "1") {
    window.setInterval(function () {
      if (document.visibilityState === "visible") {
        window.location.reload();
      }
    }, 4000);
  }

  function grow(area) {
    area.style.height = "auto";
    area.style.height = area.scrollHeight + 4 + "px";
  }

  // Edition page: the Edit toggle focuses its textarea; Ctrl/Cmd+Enter saves, Escape cancels.
  document.querySelectorAll("details.edit").forEach(function (box) {
    var area = box.querySelector("textarea");
    if (!area) {
      return;
    }
    var original = area.value;
    box.addEventListener("toggle", function () {
      if (box.open) {
        grow(area);
        area.focus();
        area.setSelectionRange(area.value.length, area.value.length);
      }
    });
    area.addEventListener("input", function () {
      grow(area);
    });
    area.addEventListener("keydown", function (event) {
      if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
        event.preventDefault();
        area.form.requestSubmit();
      } else if (event.key === "Escape") {
        area.value = original;
        box.open = false;
        box.querySelector("summary").focus();
      }
    });
  });

  // Hovering a finding lights up its highlights in the text, and the other way round.
  function light(ref, on) {
    document.querySelectorAll("mark.qa[data-refs]").forEach(function (mark) {
      if (mark.dataset.refs.split(" ").indexOf(ref) >= 0) {
        mark.classList.toggle("active", on);
      }
    });
    var item = document.getElementById("finding-" + ref);
    if (item) {
      item.classList.toggle("active", on);
    }
  }
  document.querySelectorAll("li.finding[data-ref]").forEach(function (item) {
    var ref = item.dataset.ref;
    item.addEventListener("mouseenter", function () { light(ref, true); });
    item.addEventListener("mouseleave", function () { light(ref, false); });
  });
  document.querySelectorAll("mark.qa[data-refs]").forEach(function (mark) {
    var refs = mark.dataset.refs.split(" ").filter(Boolean);
    mark.addEventListener("mouseenter", function () { refs.forEach(function (r) { light(r, true); }); });
    mark.addEventListener("mouseleave", function () { refs.forEach(function (r) { light(r, false); }); });
  });
})();
