// The portal's own JavaScript: small, optional. Every page works without it.
(function () {
  "use strict";

  function focus(target) {
    if (!target) return;
    if (!target.hasAttribute("tabindex")) target.setAttribute("tabindex", "-1");
    target.focus();
  }

  // Where focus goes after a swap: an error summary first (the person must
  // see what to fix), else the element the trigger names.
  function focusAfterSwap(id) {
    focus(document.getElementById("error-summary") || document.getElementById(id));
  }

  // What the last request was: a preview fired while typing (focus must stay
  // in the field) or an action (a button, a link, a form).
  var lastKind = null;

  document.addEventListener("htmx:config:request", function (event) {
    var ctx = event.detail.ctx;

    // Send the CSRF token with every htmx request (forms also carry it as a field).
    var meta = document.querySelector('meta[name="csrf-token"]');
    if (meta) ctx.request.headers["X-CSRF-Token"] = meta.content;

    var source = ctx.sourceElement;
    var tag = source && source.tagName;
    lastKind = (tag === "INPUT" || tag === "SELECT" || tag === "TEXTAREA") ? "preview" : "action";

    // A swap can remove the element that had focus (a pagination link,
    // "+ More details"); data-focus-after-swap says where focus goes next.
    // htmx fires after:swap on the source element, which by then may be
    // detached from the document: listen on it directly too.
    var id = source && source.getAttribute && source.getAttribute("data-focus-after-swap");
    if (id) {
      ctx.portalFocus = id;
      source.addEventListener("htmx:after:swap", function () { focusAfterSwap(id); }, { once: true });
    }
  });

  document.addEventListener("htmx:after:swap", function (event) {
    var id = event.detail && event.detail.ctx && event.detail.ctx.portalFocus;
    if (id) focusAfterSwap(id);
  });

  // A row's form swapped in place ("Change", "Add …") closes with Escape: its "Cancel" link, which
  // swaps the read view back.
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    if (event.target.closest && event.target.closest("details.help-bubble[open]")) return;  // the bubble's own
    var form = event.target.closest && event.target.closest("form[data-cancel]");
    var cancel = form && document.getElementById(form.getAttribute("data-cancel"));
    if (cancel && cancel.hasAttribute("hx-get")) {
      event.preventDefault();
      cancel.click();
    }
  });

  // A "?" help bubble closes with Escape, and focus goes back to its "?".
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    var bubble = event.target.closest && event.target.closest("details.help-bubble[open]");
    if (!bubble) return;
    bubble.open = false;
    bubble.querySelector("summary").focus();
  });

  // A wizard step swapped in after an action (a step sent, the next step
  // loaded): focus its error summary, else its heading, as a new page would.
  new MutationObserver(function (mutations) {
    if (lastKind !== "action") return;
    for (var i = 0; i < mutations.length; i++) {
      var added = mutations[i].addedNodes;
      for (var j = 0; j < added.length; j++) {
        var node = added[j];
        if (node.nodeType === 1 && node.id === "wizard") {
          lastKind = null;
          focus(node.querySelector("#error-summary") || node.querySelector("#step-title"));
          return;
        }
      }
    }
  }).observe(document.documentElement, { childList: true, subtree: true });
})();
