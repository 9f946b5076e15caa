// A long job on the server (a print batch of certificates, the export before closing an organisation):
// while it runs, ask the server how far it is and move the progress bar and its text along.
// The panel says everything in data attributes:
//   data-progress-url       the job's status address (JSON: status, done, total, text, download_url);
//                           empty when nothing is running
//   data-progress-every     milliseconds between two questions (default 1000)
//   data-progress-page-url  when set, the page is loaded again from here once the job ends, to show
//                           what the server adds then (not reload(): the page may be a POST's answer);
//                           without it, the download button is shown in place and a failure reloads
// and inside it: [data-progress-text] (aria-live), [data-progress-download], [data-progress-refresh]
// (the "Bijwerken" link, hidden while the page follows by itself) and [data-progress-working].
// Without this file the page still works: the "Bijwerken" link reloads it.
(function () {
  "use strict";

  function follow(panel) {
    const url = panel.dataset.progressUrl;
    if (!url || !window.fetch) return;
    const every = Number(panel.dataset.progressEvery) || 1000;
    const pageUrl = panel.dataset.progressPageUrl;
    const bar = panel.querySelector("progress");
    const text = panel.querySelector("[data-progress-text]");
    const download = panel.querySelector("[data-progress-download]");
    const refresh = panel.querySelector("[data-progress-refresh]");
    const working = panel.querySelector("[data-progress-working]");
    // The page follows by itself now; the manual link comes back only if asking keeps failing.
    if (refresh) refresh.hidden = true;
    let lastText = text ? text.textContent : "";
    let failures = 0;

    function finish(state) {
      if (pageUrl) {
        window.location.assign(pageUrl);
      } else if (state.status === "failed") {
        window.location.reload(); // the page itself offers "try again"
      } else {
        if (download) {
          if (state.download_url) download.href = state.download_url;
          download.hidden = false;
        }
        if (working) working.hidden = true;
      }
    }

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
          finish(state);
          return;
        }
      } catch (error) {
        failures += 1;
        if (failures > 10) {
          if (refresh) refresh.hidden = false; // leave it to the "Bijwerken" link
          return;
        }
      }
      window.setTimeout(poll, every);
    }

    window.setTimeout(poll, every);
  }

  document.addEventListener("DOMContentLoaded", () => {
    document.querySelectorAll("[data-progress-url]").forEach(follow);
  });
})();
