// The print batch of certificates: while the PDF is being made, ask the server every second how far
// it is, and move the progress bar and its text along; when it is ready, show the download button.
// Without this file the page still works: the "Bijwerken" link reloads it.
(function () {
  "use strict";

  function follow(panel) {
    const url = panel.dataset.batchStatusUrl;
    if (!url || !window.fetch) return;
    const bar = panel.querySelector("progress");
    const text = panel.querySelector("[data-batch-text]");
    const download = panel.querySelector("[data-batch-download]");
    const refresh = panel.querySelector("[data-batch-refresh]");
    const working = panel.querySelector("[data-batch-working]");
    // The page follows by itself now; the manual link comes back only if asking keeps failing.
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
        if (state.status === "done") {
          if (download) {
            if (state.download_url) download.href = state.download_url;
            download.hidden = false;
          }
          if (working) working.hidden = true;
          return;
        }
        if (state.status === "failed") {
          // The page itself offers "try again"; reload it to show that.
          window.location.reload();
          return;
        }
      } catch (error) {
        failures += 1;
        if (failures > 10) {
          if (refresh) refresh.hidden = false; // leave it to the "Bijwerken" link
          return;
        }
      }
      window.setTimeout(poll, 1000);
    }

    window.setTimeout(poll, 1000);
  }

  document.addEventListener("DOMContentLoaded", () => {
    document.querySelectorAll("[data-batch-status-url]").forEach(follow);
  });
})();
