// "Lägg till rad" / "Lägg till mål" on the one-sitting plan form: copies the empty row from its <template>,
// numbers it after the rows already there and raises the formset's TOTAL_FORMS. Without JS the form offers a
// few empty rows and the buttons stay hidden.
(function () {
  "use strict";

  function addFrom(templateId, container, totalInput, replacements) {
    var index = parseInt(totalInput.value, 10);
    var html = document.getElementById(templateId).innerHTML;
    replacements.concat([["__prefix__", String(index)], ["__number__", String(index + 1)]]).forEach(function (pair) {
      html = html.split(pair[0]).join(pair[1]);
    });
    container.insertAdjacentHTML("beforeend", html);
    totalInput.value = String(index + 1);
    var added = container.lastElementChild;
    wire(added);
    var first = added.querySelector("input:not([type=hidden]), textarea, select");
    if (first) first.focus();
  }

  function wire(root) {
    root.querySelectorAll("[data-add-activity]").forEach(function (button) {
      button.hidden = false;
      button.addEventListener("click", function () {
        var goal = button.closest("[data-goal]");
        var index = goal.getAttribute("data-goal");
        var total = goal.querySelector('input[name="mal-' + index + '-akt-TOTAL_FORMS"]');
        addFrom("akt-empty", goal.querySelector("[data-activities]"), total, [["__goal__", index]]);
      });
    });
  }

  // Once per form: it is on the page from the start when opened by its link, or loaded by htmx when its closed
  // section is opened (partials/action_form.html).
  function wireGoals() {
    var goals = document.querySelector('[data-rows="mal"]');
    if (!goals || goals.rowsWired) return;
    goals.rowsWired = true;
    var form = goals.closest("form");
    wire(form);
    form.querySelectorAll("[data-add-goal]").forEach(function (button) {
      button.hidden = false;
      button.addEventListener("click", function () {
        addFrom("mal-empty", goals, form.querySelector('input[name="mal-TOTAL_FORMS"]'), []);
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    wireGoals();
    document.body.addEventListener("htmx:afterSettle", wireGoals);
  });
})();
