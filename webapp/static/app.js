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

  // A refused form: the field at fault takes the focus. Its autofocus attribute is not
  // enough: browsers skip autofocus on a page opened at an anchor (the form posts to
  // #bewertung) and move the focus to the anchor's target once the page has loaded, so
  // the keyboard user would be left at the top of the page. Hence again after "load".
  var invalid = document.querySelector("[autofocus][aria-invalid='true']");
  if (invalid) {
    var focusInvalid = function () {
      if (document.activeElement === document.body || document.activeElement === null) invalid.focus();
    };
    focusInvalid();
    window.addEventListener("load", function () { setTimeout(focusInvalid, 0); });
  }

  // Filter box on wide screens: folded stays folded on the next list page. On phones it is
  // folded anyway and opens on demand, so the choice is neither read nor kept there.
  var filterToggle = document.getElementById("filter-toggle");
  if (filterToggle && window.matchMedia) {
    var wide = window.matchMedia("(min-width: 821px)");
    var key = "fm-filters-folded";
    try {
      if (wide.matches && window.localStorage.getItem(key) === "1") filterToggle.checked = true;
      filterToggle.addEventListener("change", function () {
        if (wide.matches) window.localStorage.setItem(key, filterToggle.checked ? "1" : "0");
      });
    } catch (e) {
      // storage blocked (private mode, policy): the box opens as without JavaScript
    }
  }

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
