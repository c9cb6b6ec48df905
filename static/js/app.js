/* Small progressive enhancements; every page works without this file. */
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  // On a phone (narrow screen) app.css shows each table row as a card: every cell gets its column's heading
  // as data-label, and the explicit roles keep the table semantics that display:block would drop.
  function labelTables() {
    document.querySelectorAll("main table").forEach(function (table) {
      if (table.closest(".report-screen") || table.hasAttribute("data-keep-table")) return;
      var headings = Array.prototype.map.call(table.querySelectorAll("thead th"), function (th) {
        return th.textContent.trim();
      });
      table.classList.add("table--stack");
      table.setAttribute("role", "table");
      table.querySelectorAll("thead, tbody, tfoot").forEach(function (group) { group.setAttribute("role", "rowgroup"); });
      table.querySelectorAll("tr").forEach(function (row) {
        row.setAttribute("role", "row");
        Array.prototype.forEach.call(row.children, function (cell, index) {
          if (cell.tagName === "TH") {
            cell.setAttribute("role", cell.closest("thead") ? "columnheader" : "rowheader");
          } else {
            cell.setAttribute("role", "cell");
            if (headings[index] && !cell.hasAttribute("colspan")) cell.setAttribute("data-label", headings[index]);
          }
        });
      });
    });
  }

  // The header menu folds behind a "Meny" button on a phone; without JS it is simply shown in full.
  function foldMenu() {
    var button = document.querySelector("[data-menu-toggle]");
    var menu = document.getElementById("site-menu");
    if (!button || !menu) return;
    button.hidden = false;
    button.addEventListener("click", function () {
      var open = button.getAttribute("aria-expanded") !== "true";
      button.setAttribute("aria-expanded", String(open));
      menu.classList.toggle("is-open", open);
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    labelTables();
    foldMenu();
    // search hits and other parts swapped in by htmx get the same labels
    document.body.addEventListener("htmx:afterSettle", labelTables);
    // A closed action form is loaded from its place when opened (partials/action_form.html). An answer without
    // it (the session ended and the sign-in page came back) is not swapped in: go to the place itself instead,
    // as without JavaScript.
    document.body.addEventListener("htmx:beforeSwap", function (event) {
      var details = event.target.closest("details.action-form");  // the event comes from the form's placeholder
      if (!details) return;
      if (event.detail.xhr.status === 200 && event.detail.serverResponse.indexOf('id="' + details.id + '"') !== -1) return;
      event.detail.shouldSwap = false;
      var link = details.querySelector(".action-form__wait a");
      if (link) window.location.assign(link.href);
    });
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
