/* Booking pages, progressive enhancement only (every step works without this file).
   - The optional statistics questions are disabled (so nothing is sent) while their consent box is off.
   - After a failed submit the error summary takes the focus (autofocus does it too; some browsers skip it after
     a POST). */
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
})();
