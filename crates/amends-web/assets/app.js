// amends: small progressive enhancements. Every page works without this file.
(function () {
  "use strict";
  var body = document.body;
  if (!body) { return; }

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
