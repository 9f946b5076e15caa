// The practice screen's side of the bridge to an e-learning package (wpo/packages). The package runs
// in a sandboxed frame from the content origin, which has no cookies and cannot reach the platform;
// its runtime (wpo/packages/runtime/scorm-bridge.js) sends what the package reports here by
// postMessage. Only messages from the content origin and from that very frame are taken; they are
// sent on to the platform with this page's CSRF token, one after the other, in the order they came.
(function () {
  "use strict";

  function start(box) {
    box.dataset.wpoReady = "1";
    var origin = box.dataset.contentOrigin;
    var frame = box.querySelector("iframe");
    var stateNode = document.getElementById(box.dataset.stateId);
    var token = box.querySelector("input[name=csrfmiddlewaretoken]");
    var status = box.querySelector(".package-status");
    var next = document.querySelector(".package-next");
    if (!frame || !stateNode || !token) return;
    var state = JSON.parse(stateNode.textContent);
    var sending = Promise.resolve();

    function say(text) { if (status) status.textContent = text; }
    function send(values, finished) {
      sending = sending.then(function () {
        return fetch(box.dataset.trackUrl, {
          method: "POST",
          credentials: "same-origin",
          headers: { "Content-Type": "application/json", "X-CSRFToken": token.value },
          body: JSON.stringify({ version: state.version, values: values, finished: finished }),
        }).then(function (response) {
          return response.json().then(function (answer) {
            if (!response.ok) throw new Error(answer.error || "");
            if (answer.done) {
              say(box.dataset.textDone);
              if (next) { next.hidden = false; var link = next.querySelector("a"); if (link) link.focus(); }
            }
          });
        }).catch(function (error) {
          say((error && error.message) || box.dataset.textError);
        });
      });
    }

    // The frame's size by script (the page's policy allows no inline style): the width of the
    // screen, and as high as the phone allows beside the header.
    frame.style.width = "100%";
    frame.style.border = "0";
    frame.style.height = Math.max(420, window.innerHeight - 160) + "px";

    function init() {
      frame.contentWindow.postMessage({ type: "wpo-package-init", kind: state.kind, values: state.values }, origin);
    }
    // The launcher asks ("ready") once it runs; if it ran before this script, its load event will do.
    if (state.kind !== "cmi5") frame.addEventListener("load", init);

    window.addEventListener("message", function (event) {
      if (event.origin !== origin || event.source !== frame.contentWindow) return;
      var message = event.data || {};
      if (message.type === "wpo-package-ready" && state.kind === "cmi5") {
        // cmi5: a new launch (its one-time fetch URL) for the launcher to open; the AU reports itself.
        if (box.dataset.wpoLaunched) return;
        box.dataset.wpoLaunched = "1";
        fetch(box.dataset.trackUrl, {
          method: "POST",
          credentials: "same-origin",
          headers: { "Content-Type": "application/json", "X-CSRFToken": token.value },
          body: JSON.stringify({ version: state.version, launch: true }),
        }).then(function (response) { return response.json(); }).then(function (answer) {
          if (!answer.launch_url) throw new Error(answer.error || "");
          frame.contentWindow.postMessage({ type: "wpo-package-init", kind: state.kind, values: {}, start: answer.launch_url }, origin);
        }).catch(function (error) { say((error && error.message) || box.dataset.textError); });
      } else if (message.type === "wpo-package-ready") {
        init();
      } else if (message.type === "wpo-package-commit" && message.values && typeof message.values === "object") {
        send(message.values, !!message.finished);
      }
    });
  }

  function scan() {
    document.querySelectorAll("[data-wpo-package]:not([data-wpo-ready])").forEach(start);
  }
  scan();
  // The practice screen is swapped in place (static/js/app.js): the package may arrive later.
  new MutationObserver(scan).observe(document.body, { childList: true, subtree: true });
})();
