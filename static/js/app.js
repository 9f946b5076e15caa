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

  // ---- The participant's app offline (the worker is wpo/learn/templates/learn/sw.js) ----------------
  // Answers given without internet wait on the phone (IndexedDB) and are sent when it is back, each
  // with its own idempotency key, so the server writes each once. Logging out sends what waits, then
  // deletes the kept pages and the queue: nothing of one person stays on a shared tablet.
  // The words come translated from the page (base.html), these only when a page has none.
  const text = (name, fallback) => document.body.dataset[name] || fallback;
  const QUEUED = text("textQueued", "Wordt verstuurd als je weer internet hebt.");
  const NO_INTERNET = text("textOffline", "Je hebt nu geen internet. Probeer het straks nog eens.");
  const LOGOUT_WAITS = text("textLogoutWaits", "Daarna log je uit.");
  const NOT_SENT = text("textNotSent", "Je antwoorden zijn nog niet verstuurd. Tik nog een keer op Uitloggen om het opnieuw te proberen.");
  const owner = () => document.body.dataset.wpoOwner || "";

  function newKey() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    const b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    const h = Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  }

  function store(mode, work) {
    return new Promise((resolve, reject) => {
      if (!window.indexedDB) return resolve([]);
      const open = indexedDB.open("wpo-wachtrij", 1);
      open.onupgradeneeded = () => open.result.createObjectStore("antwoorden", { keyPath: "key" });
      open.onerror = () => reject(open.error);
      open.onsuccess = () => {
        const db = open.result;
        const tx = db.transaction("antwoorden", mode);
        const request = work(tx.objectStore("antwoorden"));
        tx.oncomplete = () => { db.close(); resolve(request ? request.result : undefined); };
        tx.onerror = () => { db.close(); reject(tx.error); };
      };
    });
  }
  const queued = () => store("readonly", (s) => s.getAll());

  function notice(form, text) {
    let note = form.querySelector(".message-queued");
    if (!note) {
      note = document.createElement("p");
      note.className = "message message-queued";
      note.setAttribute("role", "status");
      form.append(note);
    }
    note.textContent = text;
    return note;
  }

  function linkButton(href, label) {
    const link = document.createElement("a");
    link.className = "button button-big";
    link.href = href;
    link.textContent = label;
    const actions = document.createElement("p");
    actions.className = "actions";
    actions.append(link);
    return actions;
  }

  // data-wpo-queue="next": a practice answer, on to the next screen the phone kept (its send button
  // gives way to "Verder"); "done": the look-back, the form gives way to the message; empty: the
  // question for the conversation, the form is emptied for another one.
  async function enqueue(form, body) {
    const fields = [];
    for (const [name, value] of body.entries()) {
      if (value instanceof File) {
        if (value.size) fields.push([name, value, value.name]);
      } else {
        fields.push([name, value, null]);
      }
    }
    const key = body.get("idempotency_key") || newKey();
    await store("readwrite", (s) => s.put({ key, owner: owner(), url: form.action, fields, at: Date.now() }));
    const mode = form.dataset.wpoQueue;
    let note;
    if (mode === "next" && form.dataset.wpoOfflineGo) {
      form.querySelectorAll("button[type=submit]").forEach((button) => button.remove());
      form.querySelectorAll(".actions").forEach((actions) => { if (!actions.children.length) actions.remove(); });
      note = notice(form, QUEUED);
      note.after(linkButton(form.dataset.wpoOfflineGo, text("textNext", "Verder")));
    } else if (mode === "done") {
      note = notice(form, QUEUED);
      form.replaceChildren(note, linkButton(document.body.dataset.wpoHome || "/deelnemer/", text("textHome", "Naar mijn opdracht")));
    } else {
      form.reset();
      note = notice(form, QUEUED);
    }
    note.setAttribute("tabindex", "-1");
    note.focus();
    queueBanner();
  }

  // What waits is sent in the order it was given. Sent (or refused for good) leaves the queue; a
  // missing connection, a logged-out session or a server error keeps it for the next try.
  let flushing = null;
  function flush() {
    if (flushing) return flushing;
    flushing = (async () => {
      const mine = (await queued()).filter((item) => item.owner === owner()).sort((a, b) => a.at - b.at);
      for (const item of mine) {
        if (!navigator.onLine) break;
        const body = new FormData();
        item.fields.forEach(([name, value, filename]) => {
          if (filename !== null) body.append(name, value, filename);
          else body.append(name, value);
        });
        let response;
        try {
          response = await fetch(item.url, { method: "POST", body, credentials: "same-origin", headers: { "HX-Request": "true" } });
        } catch (error) {
          break;
        }
        const loggedOut = new URL(response.url).pathname.startsWith("/accounts/");
        if ((response.ok && !loggedOut) || [400, 404, 409, 413].includes(response.status)) {
          await store("readwrite", (s) => s.delete(item.key));
        } else {
          break;
        }
      }
    })().finally(() => { flushing = null; queueBanner(); });
    return flushing;
  }

  async function queueBanner(always) {
    const main = document.getElementById("inhoud");
    if (!main || !owner()) return;
    let banner = document.getElementById("wachtrij");
    const waiting = (await queued()).filter((item) => item.owner === owner()).length;
    if (!waiting) {
      if (banner) banner.remove();
      document.querySelectorAll(".message-queued").forEach((note) => { note.textContent = text("textSent", "Verstuurd."); });
      return;
    }
    if (!banner && !always && document.querySelector("form .message-queued")) return; // said beside the answer
    if (!banner) {
      banner = document.createElement("p");
      banner.id = "wachtrij";
      banner.className = "message message-queued";
      banner.setAttribute("role", "status");
      main.prepend(banner);
    }
    banner.textContent = QUEUED;
  }

  async function forgetAll() {
    try {
      await store("readwrite", (s) => s.clear());
    } catch (error) { /* nothing kept */ }
    if (window.caches) {
      const names = await caches.keys();
      await Promise.all(names.map((name) => caches.delete(name)));
    }
    try { localStorage.removeItem("wpo-owner"); } catch (error) { /* private mode */ }
  }

  // Logging out (the button, or the idle logout of a shared tablet): send what waits, then forget.
  // Without internet the answers that wait are not thrown away: the logout waits for the connection.
  // When the server could not take them (an error), the button says so once and stays: the next tap
  // tries again and then logs out. The idle logout of a shared tablet always ends with nothing kept.
  async function leave(form, idle) {
    if (form.dataset.leaving) return;
    form.dataset.leaving = "1";
    const waiting = owner() ? (await queued().catch(() => [])).filter((item) => item.owner === owner()).length : 0;
    if (waiting && !navigator.onLine) {
      await queueBanner();
      const banner = document.getElementById("wachtrij");
      if (banner) banner.textContent = `${QUEUED} ${LOGOUT_WAITS}`;
      delete form.dataset.leaving;
      window.addEventListener("online", () => leave(form, idle), { once: true });
      return;
    }
    let stay = false;
    try {
      await Promise.race([flush(), new Promise((resolve) => window.setTimeout(resolve, 5000))]);
      const left = owner() ? (await queued().catch(() => [])).filter((item) => item.owner === owner()).length : 0;
      if (left && !idle && !form.dataset.warned) {
        form.dataset.warned = "1";
        stay = true;
        await queueBanner(true);
        const banner = document.getElementById("wachtrij");
        if (banner) {
          banner.textContent = NOT_SENT;
          banner.scrollIntoView();
        }
        const menu = form.closest("details");
        if (menu) menu.open = false;
        delete form.dataset.leaving;
        return;
      }
      await forgetAll();
    } finally {
      if (!stay) HTMLFormElement.prototype.submit.call(form);
    }
  }

  function offline() {
    // Before every other submit handler: a fresh key per send, and no post without internet.
    document.addEventListener("submit", (event) => {
      const form = event.target;
      if (form.id === "logout-form") {
        event.preventDefault();
        event.stopImmediatePropagation();
        leave(form);
        return;
      }
      const keyField = form.querySelector("input[name=idempotency_key]");
      if (keyField) keyField.value = newKey();
      if (navigator.onLine || (form.method || "").toLowerCase() !== "post") return;
      event.preventDefault();
      event.stopImmediatePropagation();
      offlineSubmit(form, new FormData(form, event.submitter || undefined));
    }, true);
    window.addEventListener("online", () => { flush(); });
    const me = owner();
    if (!me) return;
    let before = null;
    try { before = localStorage.getItem("wpo-owner"); localStorage.setItem("wpo-owner", me); } catch (error) { /* private mode */ }
    const ready = before && before !== me ? forgetAll().then(() => { try { localStorage.setItem("wpo-owner", me); } catch (error) { /* */ } }) : Promise.resolve();
    ready.then(() => {
      queueBanner();
      if (navigator.onLine) flush();
      keepForOffline();
    });
  }

  // Without internet: an answer is queued; a screen the phone kept is opened; anything else waits.
  function offlineSubmit(form, body) {
    if (form.hasAttribute("data-wpo-queue")) {
      enqueue(form, body).catch(() => notice(form, NO_INTERNET));
    } else if (form.dataset.wpoOfflineGo) {
      window.location.href = form.dataset.wpoOfflineGo;
    } else {
      notice(form, NO_INTERNET);
    }
    return true;
  }

  function keepForOffline() {
    const worker = document.body.dataset.wpoWorker;
    if (!worker || !("serviceWorker" in navigator)) return;
    navigator.serviceWorker.register(worker, { scope: new URL(".", new URL(worker, location.href)).pathname }).then(() => navigator.serviceWorker.ready).then((registration) => {
      const urls = new Set([location.pathname + location.search]);
      document.querySelectorAll("[data-wpo-keep]").forEach((el) => el.dataset.wpoKeep.split(/\s+/).forEach((u) => { if (u) urls.add(u); }));
      document.querySelectorAll("link[rel=stylesheet], link[rel=manifest], link[rel=icon]").forEach((el) => urls.add(el.getAttribute("href")));
      document.querySelectorAll("script[src], img[src]").forEach((el) => urls.add(el.getAttribute("src")));
      if (registration.active) registration.active.postMessage({ keep: Array.from(urls) });
    }).catch(() => {});
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
      timer = window.setTimeout(() => leave(form, true), seconds * 1000);
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
          // No connection after all (navigator.onLine can be wrong): queue or go on offline.
          if (!(error instanceof TypeError && offlineSubmit(form, body))) form.submit();
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
    offline();
    menus();
    confirmForms();
    readAloud();
    idleLogout();
    swapForms(document);
  });
})();
