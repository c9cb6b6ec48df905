/* The session never eats work (issue 20, point 5).
 *
 * 1. Before the session ends for inactivity the page warns and offers "Fortsätt arbeta", which renews the
 *    session through the keep-alive endpoint (WCAG 2.2.1). The server tells when the session ends in a cookie
 *    on every response (core.session_idle.set_timing_cookie), so activity in other tabs counts too.
 * 2. Text typed into a form's text areas is kept in this tab's sessionStorage while typing, keyed by user and
 *    form, holding only what the user typed. If the session has ended when the form is sent, the server asks
 *    for a new sign-in and then shows the form again: the text is put back. The copy is removed once a
 *    signed-in page follows the sending of the form (it was saved, or the form came back with the text in
 *    it), on logout, and when another user signs in in this tab; sessionStorage itself ends with the tab.
 */
(function () {
  "use strict";
  var PREFIX = "ui-draft:";
  var PENDING = ":pending";
  var meta = document.querySelector('meta[name="session-timing"]');
  var user = meta ? meta.getAttribute("data-user") : null;

  function storage() {
    try { return window.sessionStorage; } catch (e) { return null; }
  }

  function keys(store) {
    var all = [];
    for (var i = 0; i < store.length; i += 1) {
      if (store.key(i).indexOf(PREFIX) === 0) { all.push(store.key(i)); }
    }
    return all;
  }

  function fieldKey(form, field) {
    return PREFIX + user + ":" + new URL(form.action || window.location.href).pathname + ":" + field.name;
  }

  // The text areas not yet kept: a form loaded later (a closed action form, opened) is kept from then on.
  function draftFields() {
    return Array.prototype.filter.call(document.querySelectorAll("form textarea[name]"), function (field) {
      var form = field.form;
      return !field.draftKept && form && (form.getAttribute("method") || "").toLowerCase() === "post" &&
        !field.hasAttribute("data-no-draft");
    });
  }

  function settleDrafts(store) {
    keys(store).forEach(function (key) {
      if (!user) {
        // Not signed in (the login page after the session ended): the send did not go through; keep the text.
        if (key.slice(-PENDING.length) === PENDING) { store.removeItem(key); }
        return;
      }
      if (key.indexOf(PREFIX + user + ":") !== 0) {
        store.removeItem(key);  // another user's text in this tab: never shown to this one
      } else if (key.slice(-PENDING.length) === PENDING) {
        store.removeItem(key);
        store.removeItem(key.slice(0, -PENDING.length));  // sent while signed in: saved or shown again
      }
    });
  }

  function restoreAndKeep(store) {
    var restored = [];
    draftFields().forEach(function (field) {
      field.draftKept = true;
      var key = fieldKey(field.form, field);
      var saved = null;
      try { saved = JSON.parse(store.getItem(key) || "null"); } catch (e) { saved = null; }
      if (saved && saved.text !== field.value && saved.base === field.value) {
        field.value = saved.text;
        restored.push(field);
      }
      var base = saved && saved.base === field.defaultValue ? saved.base : field.defaultValue;
      field.addEventListener("input", function () {
        if (field.value === base) {
          store.removeItem(key);
        } else {
          store.setItem(key, JSON.stringify({ text: field.value, base: base }));
        }
      });
      field.form.addEventListener("submit", function () {
        if (store.getItem(key) !== null) { store.setItem(key + PENDING, "1"); }
      });
    });
    if (restored.length) {
      var note = document.createElement("div");
      note.className = "notice";
      note.setAttribute("role", "status");
      note.setAttribute("data-draft-restored", "");
      note.textContent = "Texten du skrev innan du loggades ut är återställd. Den sparas först när du sparar formuläret.";
      restored[0].form.parentNode.insertBefore(note, restored[0].form);
    }
  }

  function forgetAllOnLogout(store) {
    document.querySelectorAll("form[data-logout]").forEach(function (form) {
      form.addEventListener("submit", function () {
        keys(store).forEach(function (key) { store.removeItem(key); });
      });
    });
  }

  function csrfToken() {
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    if (match) { return decodeURIComponent(match[1]); }
    try { return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || ""; } catch (e) { return ""; }
  }

  // "<end>:<server now>" in seconds, set by core.session_idle on every response to a signed-in session
  // (this page, its htmx requests, other tabs, "Fortsätt arbeta"). A new value restarts the countdown.
  function readTiming(previous) {
    var match = document.cookie.match(/(?:^|;\s*)ui_session_timing=(\d+):(\d+)/);
    if (!match) { return null; }
    if (previous && previous.raw === match[0]) { return previous; }
    var secondsLeft = parseInt(match[1], 10) - parseInt(match[2], 10);
    return { raw: match[0], endsAt: Date.now() + secondsLeft * 1000 };
  }

  function warnBeforeTheEnd() {
    var dialog = document.getElementById("session-warning");
    if (!meta || !dialog) { return; }
    var warningSeconds = parseInt(meta.getAttribute("data-warning-seconds"), 10) || 120;
    var timing = readTiming(null);
    if (!timing) { return; }
    var continueButton = dialog.querySelector("[data-session-continue]");
    var ended = false;

    function open() {
      if (!dialog.open) { dialog.showModal(); }
    }

    function showEnded() {
      ended = true;
      dialog.querySelector("[data-session-warning-text]").hidden = true;
      dialog.querySelector("[data-session-ended-text]").hidden = false;
      continueButton.hidden = true;
      var login = dialog.querySelector("[data-session-login]");
      // back to this page after signing in; the path only (a query string may hold what was searched for)
      login.href = login.getAttribute("href").split("?")[0] + "?next=" + encodeURI(window.location.pathname);
      login.hidden = false;
      open();
      login.focus();
    }

    continueButton.addEventListener("click", function () {
      fetch(meta.getAttribute("data-keep-alive-url"), {
        method: "POST",
        credentials: "same-origin",
        headers: { "X-CSRFToken": csrfToken(), "Accept": "application/json" },
      }).then(function (response) {
        if (!response.ok) { throw new Error("signed out"); }
        return response.json();
      }).then(function () {
        timing = readTiming(timing);  // the answer's cookie carries the new end
        dialog.close();
      }).catch(showEnded);
    });

    window.setInterval(function () {
      if (ended) { return; }
      var latest = readTiming(timing);
      if (!latest) { showEnded(); return; }  // signed out in another tab
      if (latest !== timing) {
        timing = latest;
        if (dialog.open && timing.endsAt - Date.now() > warningSeconds * 1000) { dialog.close(); }
      }
      var left = timing.endsAt - Date.now();
      if (left <= 0) {
        showEnded();
      } else if (left <= warningSeconds * 1000) {
        open();
      }
    }, 1000);
  }

  document.addEventListener("DOMContentLoaded", function () {
    var store = storage();
    if (store) {
      settleDrafts(store);
      if (user) {
        restoreAndKeep(store);
        document.body.addEventListener("htmx:afterSettle", function () { restoreAndKeep(store); });
      }
      forgetAllOnLogout(store);
    }
    warnBeforeTheEnd();
  });
})();
