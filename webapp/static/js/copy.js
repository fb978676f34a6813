// Copy buttons and live character counters of the Begründungstext panel.
// A file of its own because the Content-Security-Policy forbids inline scripts.
(function () {
  "use strict";

  function fallbackCopy(text) {
    // Older browsers and plain-HTTP installations have no Clipboard API.
    var area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.className = "j-offscreen";
    document.body.appendChild(area);
    area.select();
    var ok = false;
    try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
    document.body.removeChild(area);
    return ok;
  }

  function announce(button, message) {
    var original = button.getAttribute("data-label") || button.textContent;
    button.setAttribute("data-label", original);
    button.textContent = message;
    window.setTimeout(function () { button.textContent = original; }, 2000);
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("[data-copy-target]") : null;
    if (!button) { return; }
    var source = document.getElementById(button.getAttribute("data-copy-target"));
    if (!source) { return; }
    var text = source.value !== undefined ? source.value : source.textContent;
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(
        function () { announce(button, "Kopiert"); },
        function () { announce(button, fallbackCopy(text) ? "Kopiert" : "Kopieren nicht möglich"); }
      );
    } else {
      announce(button, fallbackCopy(text) ? "Kopiert" : "Kopieren nicht möglich");
    }
  });

  document.addEventListener("input", function (event) {
    var area = event.target;
    if (!area.matches || !area.matches("[data-count-target]")) { return; }
    var counter = document.getElementById(area.getAttribute("data-count-target"));
    if (!counter) { return; }
    var length = area.value.length;
    counter.textContent = String(length);
    var limit = parseInt(area.getAttribute("data-limit") || "0", 10);
    counter.classList.toggle("j-over", limit > 0 && length > limit);
  });
})();
