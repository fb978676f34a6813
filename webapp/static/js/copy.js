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

  // The server's count (matcher.justification.plain_length): the text as pasted into a
  // form field, without "## " and "> ", lines and paragraphs trimmed, blank lines between
  // paragraphs counted as one. Whitespace is Python's (str.isspace), so both agree.
  var SPACE = "[\\t\\n\\v\\f\\r\\x1c-\\x1f \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]";
  var EDGES = new RegExp("^" + SPACE + "+|" + SPACE + "+$", "g");
  var PARAGRAPH_BREAK = new RegExp("\\n" + SPACE + "*\\n");
  var LINE_BREAK = /\r\n|[\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]/;  // str.splitlines

  function strip(text) { return text.replace(EDGES, ""); }

  function plainLength(text) {
    var blocks = [];
    strip(text.replace(/\r\n/g, "\n")).split(PARAGRAPH_BREAK).forEach(function (para) {
      var lines = para.split(LINE_BREAK).map(strip).filter(function (line) { return line !== ""; });
      if (!lines.length) { return; }
      var first = lines[0];
      if (first.charAt(0) === "#") {
        blocks.push([strip(first.replace(/^#+/, ""))].concat(lines.slice(1)).join(" "));
      } else if (first.charAt(0) === ">") {
        blocks.push(lines.map(function (line) { return strip(line.replace(/^>+/, "")); }).join(" "));
      } else {
        blocks.push(lines.join("\n"));
      }
    });
    return Array.from(blocks.join("\n\n")).length;  // code points, as Python's len()
  }

  document.addEventListener("input", function (event) {
    var area = event.target;
    if (!area.matches || !area.matches("[data-count-target]")) { return; }
    var counter = document.getElementById(area.getAttribute("data-count-target"));
    if (!counter) { return; }
    var length = plainLength(area.value);
    // grouped as the server writes it (webapp.formatting.format_count): 1.095
    counter.textContent = String(length).replace(/\B(?=(\d{3})+(?!\d))/g, ".");
    var limit = parseInt(area.getAttribute("data-limit") || "0", 10);
    counter.classList.toggle("j-over", limit > 0 && length > limit);
  });
})();
