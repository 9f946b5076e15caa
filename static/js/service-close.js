// Closing an organisation, step 1: while the export is being made, ask the server every two seconds
// how far it is and move the progress bar and its text along; when it is ready, show the download
// button. Without this file the page still works: the "Bijwerken" link reloads it.
(function () {
  "use strict";

  function follow(panel) {
    const url = panel.dataset.exportStatusUrl;
    if (!url || !window.fetch) return;
    const bar = panel.querySelector("progress");
    const text = panel.querySelector("[data-export-text]");
    const download = panel.querySelector("[data-export-download]");
    const refresh = panel.querySelector("[data-export-refresh]");
    if (refresh) refresh.hidden = true;
    let lastText = text ? text.textContent : "";
    let failures = 0;

    async function poll() {
      try {
        const response = await fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } });
        if (!response.ok) throw new Error(String(response.status));
        const state = await response.json();
        failures = 0;
        if (bar) {
          bar.max = Math.max(state.total, 1);
          bar.value = state.done;
        }
        // Only a changed text is written, so a screen reader hears each step once (aria-live="polite").
        if (text && state.text !== lastText) {
          text.textContent = state.text;
          lastText = state.text;
        }
        if (state.status === "done" || state.status === "failed") {
          // The page shows the hash, the download and "make it again": load it again to show those.
          // Not reload(): after a refused close the page is a POST's answer, and a reload would post again.
          window.location.assign(panel.dataset.exportPageUrl || window.location.pathname);
          return;
        }
      } catch (error) {
        failures += 1;
        if (failures > 10) {
          if (refresh) refresh.hidden = false;
          return;
        }
      }
      window.setTimeout(poll, 2000);
    }

    window.setTimeout(poll, 2000);
  }

  document.addEventListener("DOMContentLoaded", () => {
    document.querySelectorAll("[data-export-status-url]").forEach(follow);
  });
})();
