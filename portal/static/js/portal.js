// The portal's own JavaScript: small, optional. Every page works without it.
(function () {
  "use strict";

  function focusById(id) {
    var target = document.getElementById(id);
    if (!target) return;
    if (!target.hasAttribute("tabindex")) target.setAttribute("tabindex", "-1");
    target.focus();
  }

  document.addEventListener("htmx:config:request", function (event) {
    var ctx = event.detail.ctx;

    // Send the CSRF token with every htmx request (forms also carry it as a field).
    var meta = document.querySelector('meta[name="csrf-token"]');
    if (meta) ctx.request.headers["X-CSRF-Token"] = meta.content;

    // A swap can remove the element that had focus (a pagination link,
    // "+ More details"); data-focus-after-swap says where focus goes next, so
    // keyboard and screen reader users keep their place. htmx fires after:swap
    // on the source element, which by then may be detached from the document:
    // listen on it directly as well as on the document.
    var source = ctx.sourceElement;
    var id = source && source.getAttribute && source.getAttribute("data-focus-after-swap");
    if (id) {
      ctx.portalFocus = id;
      source.addEventListener("htmx:after:swap", function () { focusById(id); }, { once: true });
    }
  });

  document.addEventListener("htmx:after:swap", function (event) {
    var id = event.detail && event.detail.ctx && event.detail.ctx.portalFocus;
    if (id) focusById(id);
  });
})();
