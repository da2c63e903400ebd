// amends: small progressive enhancements. Every page works without this file.
(function () {
  "use strict";
  var body = document.body;
  if (!body) { return; }

  // Conditional questions: the server shows every question, each with a note of when it
  // applies, and drops answers to the ones that do not. Here the ones that do not apply yet are
  // hidden (and disabled, so nothing stale is sent), and come back when the answer they depend
  // on changes.
  Array.prototype.forEach.call(document.querySelectorAll("form.qform"), function (form) {
    var dependents = form.querySelectorAll("[data-when]");
    if (!dependents.length) { return; }
    var update = function () {
      Array.prototype.forEach.call(dependents, function (el) {
        var name = el.getAttribute("data-when");
        var wanted = (el.getAttribute("data-when-is") || "").split(" ");
        var applies = Array.prototype.some.call(form.elements, function (c) {
          if (c.name !== name || c.disabled) { return false; }
          var given = (c.type === "radio" || c.type === "checkbox") ? c.checked : c.value !== "";
          return given && wanted.indexOf(c.value) !== -1;
        });
        el.hidden = !applies;
        Array.prototype.forEach.call(el.querySelectorAll("input, textarea, select"), function (c) {
          c.disabled = !applies;
        });
      });
    };
    form.addEventListener("change", update);
    update();
  });

  // Deriving the key from a passphrase takes a moment on purpose (Argon2id). Say so on the
  // button, and don't let a second press start it again.
  Array.prototype.forEach.call(document.querySelectorAll("form[data-busy]"), function (form) {
    form.addEventListener("submit", function (ev) {
      if (form.getAttribute("aria-busy") === "true") { ev.preventDefault(); return; }
      form.setAttribute("aria-busy", "true");
      var button = form.querySelector("button[type=submit]");
      if (button) { button.textContent = form.getAttribute("data-busy"); }
    });
  });

  // Lock after inactivity. The server locks on its own timer; this takes private words off the
  // screen once that time has passed. Text typed but not yet saved is not thrown away: the
  // "continue" button sends it, the server keeps it through the unlock and hands it back.
  var idleSeconds = parseInt(body.getAttribute("data-idle-seconds") || "0", 10);
  if (body.getAttribute("data-unlocked") === "true" && idleSeconds > 0) {
    var last = Date.now();
    var touch = function () { last = Date.now(); };
    ["keydown", "mousemove", "mousedown", "touchstart", "scroll"].forEach(function (ev) {
      window.addEventListener(ev, touch, { passive: true });
    });
    document.addEventListener("htmx:afterRequest", touch);
    var dirty = null;
    document.addEventListener("input", function (ev) {
      var form = ev.target && ev.target.form;
      if (form && form.method.toLowerCase() === "post") { dirty = form; }
    });
    var overlay = document.getElementById("idle-overlay");
    var timer = window.setInterval(function () {
      if (Date.now() - last <= idleSeconds * 1000 || !overlay) { return; }
      window.clearInterval(timer);
      body.classList.add("idle-locked");
      overlay.hidden = false;
      var button = document.getElementById("idle-continue");
      if (button) {
        button.addEventListener("click", function () {
          if (dirty) { dirty.submit(); } else { window.location.assign("/unlock"); }
        });
        button.focus();
      }
    }, 5000);
  }
})();
