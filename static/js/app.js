/* Small progressive enhancements; every page works without this file. */
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    // After a failed form post, move keyboard and screen-reader focus to the error summary.
    var summary = document.querySelector("[data-error-summary]");
    if (summary) {
      summary.setAttribute("tabindex", "-1");
      summary.focus();
      return;
    }
    // After a save the page returns to the saved section (#anchor): show the confirmation right above that
    // section and bring it into view, so it is seen on a phone too.
    var messages = document.querySelector(".messages");
    if (!messages) return;
    var target = window.location.hash ? document.getElementById(window.location.hash.slice(1)) : null;
    if (target && target.closest("main") && !target.contains(messages)) {
      target.parentNode.insertBefore(messages, target);
    }
    messages.setAttribute("tabindex", "-1");
    messages.focus();
    // the browser scrolls to the #anchor after loading, so bring the message back into view then
    window.addEventListener("load", function () {
      messages.scrollIntoView({ block: "start" });
    });
  });
})();
