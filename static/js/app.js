// Small progressive enhancements; every page works without this file.
(function () {
  "use strict";

  function confirmForms() {
    document.querySelectorAll("form[data-confirm]").forEach((form) => {
      form.addEventListener("submit", (event) => {
        if (!window.confirm(form.dataset.confirm)) event.preventDefault();
      });
    });
  }

  // Read-aloud: the browser's own speech synthesis, in a Dutch voice, reads the text of the screen.
  function readAloud() {
    if (!("speechSynthesis" in window)) return;
    document.querySelectorAll("button[data-read-aloud]:not([data-bound])").forEach((button) => {
      button.dataset.bound = "1";
      const label = button.querySelector("span");
      const startText = label.textContent;
      button.hidden = false;
      button.addEventListener("click", () => {
        if (window.speechSynthesis.speaking) {
          window.speechSynthesis.cancel();
          return;
        }
        const region = document.querySelector(button.dataset.readAloud) || document.body;
        const clone = region.cloneNode(true);
        clone.querySelectorAll("[aria-hidden='true'], .read-aloud-bar, script, style, [hidden]").forEach((el) => el.remove());
        const text = clone.innerText.replace(/\s+/g, " ").trim();
        const utterance = new SpeechSynthesisUtterance(text);
        utterance.lang = document.documentElement.lang === "en" ? "en-GB" : "nl-NL";
        const voice = window.speechSynthesis.getVoices().find((v) => v.lang.toLowerCase().startsWith(utterance.lang.slice(0, 2)));
        if (voice) utterance.voice = voice;
        utterance.rate = 0.9;
        utterance.onend = utterance.onerror = () => {
          label.textContent = startText;
          button.setAttribute("aria-pressed", "false");
        };
        label.textContent = button.dataset.labelStop;
        button.setAttribute("aria-pressed", "true");
        window.speechSynthesis.speak(utterance);
      });
    });
  }

  // A shared tablet logs out after a period without touches or key presses.
  function idleLogout() {
    const seconds = parseInt(document.body.dataset.idleLogoutSeconds || "", 10);
    const form = document.getElementById("logout-form");
    if (!seconds || !form) return;
    let timer;
    let lastPing = Date.now();
    const keepAliveUrl = document.body.dataset.keepAliveUrl;
    const reset = () => {
      window.clearTimeout(timer);
      timer = window.setTimeout(() => form.submit(), seconds * 1000);
      // Typing a long answer makes no request; tell the server the person is still here.
      if (keepAliveUrl && Date.now() - lastPing > 60000) {
        lastPing = Date.now();
        fetch(keepAliveUrl, { credentials: "same-origin" }).catch(() => {});
      }
    };
    ["pointerdown", "keydown", "scroll", "touchstart"].forEach((name) => document.addEventListener(name, reset, { passive: true }));
    reset();
  }

  // Forms marked data-wpo-post (where to post) and data-wpo-target (what to replace) swap only
  // their target: a few lines instead of htmx's 50 kB keep a participant's page light on a phone.
  // The request carries HX-Request, the header django-htmx reads, so the server answers with the
  // partial. Without JavaScript, or when anything goes wrong, the form simply posts as a normal page.
  function swapForms(root) {
    root.querySelectorAll("form[data-wpo-post]:not([data-enhanced])").forEach((form) => {
      form.dataset.enhanced = "1";
      form.addEventListener("submit", async (event) => {
        const target = document.querySelector(form.dataset.wpoTarget);
        if (!target || !window.fetch) return;
        event.preventDefault();
        const body = new FormData(form, event.submitter || undefined);
        try {
          const response = await fetch(form.dataset.wpoPost, {
            method: "POST",
            body,
            headers: { "HX-Request": "true" },
            credentials: "same-origin",
          });
          if (!response.ok || !(response.headers.get("Content-Type") || "").includes("text/html")) throw new Error();
          const template = document.createElement("template");
          template.innerHTML = (await response.text()).trim();
          const fresh = template.content.firstElementChild;
          if (!fresh) throw new Error();
          target.replaceWith(fresh);
          swapForms(fresh);
          readAloud();
          const focus = fresh.querySelector(".feedback, .message-error, .screen-title, legend, h2");
          if (focus) {
            if (!focus.hasAttribute("tabindex")) focus.setAttribute("tabindex", "-1");
            focus.focus();
          }
        } catch (error) {
          form.submit();
        }
      });
    });
  }

  // The menu's submenus are <details> and work without this; with it, one is open at a time, and
  // Escape or a click elsewhere closes it (focus back on its summary after Escape).
  function menus() {
    const all = Array.from(document.querySelectorAll("details.nav-menu"));
    all.forEach((menu) => {
      menu.addEventListener("toggle", () => {
        if (menu.open) all.forEach((other) => { if (other !== menu) other.open = false; });
      });
    });
    document.addEventListener("keydown", (event) => {
      if (event.key !== "Escape") return;
      const open = all.find((menu) => menu.open);
      if (!open) return;
      open.open = false;
      open.querySelector("summary").focus();
    });
    document.addEventListener("click", (event) => {
      all.forEach((menu) => { if (menu.open && !menu.contains(event.target)) menu.open = false; });
    });
  }

  document.addEventListener("DOMContentLoaded", () => {
    menus();
    confirmForms();
    readAloud();
    idleLogout();
    swapForms(document);
  });
})();
