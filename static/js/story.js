// The assignment's story as a short film (wpo/learn/templates/learn/screens/_goal.html): "Afspelen"
// shows the scenes one by one, each picture large while its text is read aloud in a Dutch voice; the
// next scene starts when the voice is done. Without a Dutch voice the text is shown large and the scenes
// move on at the captions' reading pace (wpo/curriculum/captions.py, via data attributes). Without this
// file the story stays what it is: pictures with text. data-story-speed (1 to 50) only makes the timer
// faster; the browser tests set it so a story takes seconds.
(function () {
  "use strict";

  const MAX_SPEED = 50;

  // A Dutch voice, or null. Chromium fills its list of voices a moment after the page loads.
  function dutchVoice() {
    if (!("speechSynthesis" in window) || typeof window.SpeechSynthesisUtterance !== "function") {
      return Promise.resolve(null);
    }
    const pick = () =>
      window.speechSynthesis.getVoices().find((v) => v.lang.replace("_", "-").toLowerCase().startsWith("nl")) || null;
    if (window.speechSynthesis.getVoices().length) return Promise.resolve(pick());
    return new Promise((resolve) => {
      const done = () => resolve(pick());
      window.speechSynthesis.addEventListener("voiceschanged", done, { once: true });
      window.setTimeout(done, 500);
    });
  }

  function player(root) {
    root.dataset.storyReady = "1";
    const scenes = Array.from(root.querySelectorAll(".story-scene")).map((li) => {
      const img = li.querySelector("img");
      return {
        picture: img ? img.getAttribute("src") : "",
        alt: img ? img.getAttribute("alt") || "" : "",
        text: (li.querySelector("p") || li).textContent.replace(/\s+/g, " ").trim(),
      };
    });
    if (!scenes.length) return;
    const start = root.querySelector(".story-start");
    const play = root.querySelector("[data-story-play]");
    const stage = root.querySelector(".story-stage");
    const list = root.querySelector("ol.story");
    const picture = root.querySelector("[data-story-picture]");
    const count = root.querySelector("[data-story-count]");
    const caption = root.querySelector("[data-story-text]");
    const pause = root.querySelector("[data-story-pause]");
    const again = root.querySelector("[data-story-again]");
    const close = root.querySelector("[data-story-close]");
    const words = (name, fallback) => root.dataset[name] || fallback;

    let index = 0;
    let playing = false;
    let voice = null;
    let turn = 0; // every start, pause or stop begins a new turn: late callbacks of an old one do nothing
    let timer = 0;
    let dueAt = 0;
    let remaining = 0;
    let pace = 1;

    function sceneSeconds(scene) {
      const perWord = parseFloat(root.dataset.secondsPerWord) || 0.45;
      const least = parseFloat(root.dataset.minSeconds) || 3;
      return Math.max(least, perWord * scene.text.split(" ").filter(Boolean).length);
    }

    function speed() {
      const asked = parseFloat(root.dataset.storySpeed);
      return Number.isFinite(asked) ? Math.min(MAX_SPEED, Math.max(1, asked)) : 1;
    }

    function halt() {
      turn += 1;
      window.clearTimeout(timer);
      if (voice) window.speechSynthesis.cancel();
    }

    function show() {
      const scene = scenes[index];
      picture.hidden = !scene.picture;
      if (scene.picture) {
        picture.src = scene.picture;
        picture.alt = scene.alt;
      }
      // Restart the picture's fade-in (none when the person prefers reduced motion: app.css).
      picture.classList.remove("story-fade");
      void picture.offsetWidth;
      picture.classList.add("story-fade");
      count.textContent = words("textScene", "Scène {n} van {total}")
        .replace("{n}", String(index + 1))
        .replace("{total}", String(scenes.length));
      caption.textContent = scene.text;
      root.dataset.storyScene = String(index + 1);
    }

    // ms at the normal pace; what is left after a pause is kept at that pace too.
    function wait(ms) {
      const mine = turn;
      const factor = speed();
      pace = factor;
      dueAt = Date.now() + ms / factor;
      timer = window.setTimeout(() => {
        if (mine === turn) next();
      }, ms / factor);
    }

    function run() {
      const scene = scenes[index];
      if (!voice) {
        wait(sceneSeconds(scene) * 1000);
        return;
      }
      const mine = turn;
      const utterance = new window.SpeechSynthesisUtterance(scene.text);
      utterance.lang = "nl-NL";
      utterance.voice = voice;
      utterance.rate = 0.9;
      utterance.onend = () => {
        if (mine === turn) next();
      };
      utterance.onerror = (event) => {
        if (mine !== turn || event.error === "interrupted" || event.error === "canceled") return;
        silent(); // the voice failed: go on with the text shown large, on the timer
        wait(sceneSeconds(scene) * 1000);
      };
      window.speechSynthesis.speak(utterance);
    }

    function silent() {
      voice = null;
      root.classList.add("story-silent");
    }

    function next() {
      if (!document.contains(root)) {
        halt();
        return;
      }
      if (index < scenes.length - 1) {
        index += 1;
        show();
        run();
        return;
      }
      playing = false;
      root.dataset.storyState = "done";
      count.textContent = `${count.textContent}. ${words("textDone", "Het verhaal is klaar.")}`;
      const hadFocus = document.activeElement === pause;
      pause.hidden = true;
      if (hadFocus) again.focus();
    }

    function begin() {
      halt();
      index = 0;
      playing = true;
      root.dataset.storyState = "playing";
      pause.hidden = false;
      pause.textContent = words("textPause", "Pauze");
      show();
      run();
    }

    function toggle() {
      if (playing) {
        halt();
        playing = false;
        remaining = Math.max(0, dueAt - Date.now()) * pace;
        root.dataset.storyState = "paused";
        pause.textContent = words("textResume", "Doorgaan");
        return;
      }
      playing = true;
      root.dataset.storyState = "playing";
      pause.textContent = words("textPause", "Pauze");
      if (voice) run(); // speech cannot be resumed reliably: the scene is read again from its start
      else wait(remaining);
    }

    function stop() {
      halt();
      playing = false;
      delete root.dataset.storyState;
      stage.hidden = true;
      list.hidden = false;
      start.hidden = false;
      play.focus();
    }

    play.addEventListener("click", async () => {
      play.disabled = true;
      voice = await dutchVoice();
      play.disabled = false;
      root.classList.toggle("story-silent", !voice);
      start.hidden = true;
      list.hidden = true;
      stage.hidden = false;
      begin();
      const calm = window.matchMedia("(prefers-reduced-motion: reduce)").matches;
      stage.scrollIntoView({ block: "start", behavior: calm ? "auto" : "smooth" });
      pause.focus({ preventScroll: true });
    });
    pause.addEventListener("click", toggle);
    again.addEventListener("click", () => {
      begin();
      pause.focus();
    });
    close.addEventListener("click", stop);
    // Leaving the page or hiding it (another app on the phone) pauses: no voice talking unseen.
    document.addEventListener("visibilitychange", () => {
      if (document.hidden && playing) toggle();
    });
    window.addEventListener("pagehide", halt);
    start.hidden = false;
  }

  function setUp(scope) {
    scope.querySelectorAll("[data-story]:not([data-story-ready])").forEach(player);
  }

  document.addEventListener("DOMContentLoaded", () => {
    setUp(document);
    // A screen swapped in by static/js/app.js (back to the story from the first question).
    const screen = document.getElementById("inhoud");
    if (screen && "MutationObserver" in window) {
      new MutationObserver(() => setUp(screen)).observe(screen, { childList: true, subtree: true });
    }
  });
})();
