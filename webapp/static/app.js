// Small conveniences only: every action works without this file.
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  // Review form: show the dismissal reason only when "nicht relevant" is chosen.
  document.querySelectorAll("[data-reason-toggle]").forEach(function (select) {
    var block = document.getElementById(select.getAttribute("data-reason-toggle"));
    if (!block) return;
    var update = function () {
      block.hidden = select.value !== "nicht relevant";
    };
    select.addEventListener("change", update);
    update();
  });

  // Copy buttons (e.g. the calendar URL).
  document.querySelectorAll("[data-copy]").forEach(function (button) {
    button.addEventListener("click", function () {
      var field = document.getElementById(button.getAttribute("data-copy"));
      if (!field) return;
      var text = field.value !== undefined ? field.value : field.textContent;
      var done = function () {
        var label = button.textContent;
        button.textContent = "Kopiert ✓";
        setTimeout(function () { button.textContent = label; }, 1800);
      };
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(text).then(done);
      } else {
        field.select();
        document.execCommand("copy");
        done();
      }
    });
  });
})();
