/* Booking pages, progressive enhancement only (every step works without this file).
   - The optional statistics questions are disabled (so nothing is sent) while their consent box is off.
   - After a failed submit the error summary takes the focus (autofocus does it too; some browsers skip it after
     a POST).
   - The data step shows its review on the same page (#review-step, filled in from the form: no request), and its
     "Confirm" sends the form once with `elegido`, a random value: that one request books (views/booking.py). Back
     (or "Correct my data") returns to the form; Back after the booking reaches this page's address with `elegido`,
     which answers with the booking's confirmation. Without this file the form goes to the review page instead. */
(function () {
  "use strict";
  var consent = document.getElementById("id_segmentation_consent");
  var fields = document.getElementById("segmentation-fields");
  if (consent && fields) {
    var sync = function () {
      fields.querySelectorAll("select, input").forEach(function (element) {
        element.disabled = !consent.checked;
      });
    };
    consent.addEventListener("change", sync);
    sync();
  }
  var summary = document.getElementById("form-errors");
  if (summary && document.activeElement !== summary) {
    summary.focus();
  }

  var form = document.querySelector("form.citizen-form");
  var details = document.getElementById("details-step");
  var review = document.getElementById("review-step");
  if (!form || !details || !review || !window.history.pushState || !window.crypto || !window.URL) {
    return;
  }
  var detailsTitle = document.title;

  // What a field shows: the chosen option's or radio's text, else the typed value ("" when nothing is chosen).
  var shownValue = function (name, blankShown) {
    var control = form.elements[name];
    if (!control) {
      return "";
    }
    if (control.tagName === "SELECT") {
      var option = control.options[control.selectedIndex];
      return option && (control.value || blankShown) ? option.text.trim() : "";
    }
    if (!control.tagName) { // radio buttons
      var checked = form.querySelector('input[name="' + name + '"]:checked');
      var label = checked && form.querySelector('label[for="' + checked.id + '"]');
      return label ? label.textContent.trim() : "";
    }
    return control.value.trim();
  };

  var fill = function () {
    review.querySelectorAll("[data-review], [data-review-if]").forEach(function (row) {
      var names = (row.getAttribute("data-review") || "").split(" ").filter(Boolean);
      var guard = row.getAttribute("data-review-if");
      var blankShown = row.hasAttribute("data-review-blank");
      var parts = names.map(function (name) { return shownValue(name, blankShown); }).filter(Boolean);
      if (names.length) {
        row.querySelector("dd").textContent = parts.join(row.getAttribute("data-review-join") || " ");
      }
      var box = guard && form.elements[guard];
      row.hidden = Boolean(guard && !(box && box.checked)) || Boolean(names.length && !parts.length);
    });
  };

  var show = function (reviewing) {
    details.hidden = reviewing;
    review.hidden = !reviewing;
    document.title = reviewing ? review.getAttribute("data-title") : detailsTitle;
    window.scrollTo(0, 0);
    var target = reviewing ? document.getElementById("review-title") : form.querySelector('button[type="submit"]');
    if (target) {
      target.focus();
    }
  };

  if (window.history.state && window.history.state.macReview) { // reloaded while reviewing: the form again
    window.history.replaceState(null, "");
  }

  var chosen = "";
  form.addEventListener("submit", function (event) {
    if (form.getAttribute("data-sending") || !form.checkValidity()) {
      return; // what is missing or wrong: the server's answer explains it, as without JavaScript
    }
    event.preventDefault();
    fill();
    // The review's own history entry (Back returns to the form), whose address names the booking it would make:
    // Back after the booking reaches it, and the server answers with that booking's confirmation.
    chosen = Array.prototype.map.call(window.crypto.getRandomValues(new Uint8Array(16)), function (byte) {
      return ("0" + byte.toString(16)).slice(-2);
    }).join("");
    var address = new URL(window.location.href);
    address.searchParams.set("elegido", chosen);
    window.history.pushState({ macReview: true }, "", address.toString());
    show(true);
  });

  window.addEventListener("popstate", function (event) {
    show(Boolean(event.state && event.state.macReview));
  });

  document.getElementById("review-edit").addEventListener("click", function () {
    window.history.back();
  });

  document.getElementById("review-confirm").addEventListener("click", function () {
    if (form.getAttribute("data-sending")) {
      return; // pressed again: the first press is on its way (the server would book it once anyway)
    }
    form.setAttribute("data-sending", "1");
    this.setAttribute("aria-disabled", "true");
    var input = document.createElement("input");
    input.type = "hidden";
    input.name = "elegido";
    input.value = chosen;
    form.appendChild(input);
    form.submit();
  });
})();
