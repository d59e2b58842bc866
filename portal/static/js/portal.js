// The portal's own JavaScript: small, optional. Every page works without it.
(function () {
  "use strict";

  // Send the CSRF token with every htmx request (forms also carry it as a field).
  document.addEventListener("htmx:config:request", function (event) {
    var meta = document.querySelector('meta[name="csrf-token"]');
    if (meta) {
      event.detail.ctx.request.headers["X-CSRF-Token"] = meta.content;
    }
  });

  // A swapped-in fragment can replace the element that had focus (a pagination
  // link, "+ More details"). Move focus where the triggering element says, so
  // keyboard and screen reader users keep their place.
  document.addEventListener("htmx:after:swap", function (event) {
    var ctx = event.detail && event.detail.ctx;
    var source = ctx && ctx.sourceElement;
    var targetId = source && source.getAttribute && source.getAttribute("data-focus-after-swap");
    if (!targetId) return;
    var target = document.getElementById(targetId);
    if (target) {
      if (!target.hasAttribute("tabindex")) target.setAttribute("tabindex", "-1");
      target.focus();
    }
  });
})();
