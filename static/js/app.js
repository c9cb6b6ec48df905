/* Small progressive enhancements; every page works without this file. */
(function () {
  "use strict";
  // After a failed form post, move keyboard and screen-reader focus to the error summary.
  document.addEventListener("DOMContentLoaded", function () {
    var summary = document.querySelector("[data-error-summary]");
    if (summary) {
      summary.setAttribute("tabindex", "-1");
      summary.focus();
    }
  });
})();
