// The assignment's story as a short film (learn/screens/_goal.html). "Afspelen" shows one scene at a
// time, its picture large while a Dutch voice reads its text; the next scene starts when the voice is
// done. Without a Dutch voice the text is shown large and the scenes move on at the captions' reading
// pace (wpo/curriculum/captions.py, in data attributes). data-story-speed (1-50) only makes that timer
// faster: the browser tests set it. Without this file the story stays pictures with text.
(function () {
  "use strict";

  const synth = window.speechSynthesis;

  // A Dutch voice or null; Chromium fills its list of voices a moment after the page loads.
  function dutchVoice() {
    if (!synth || typeof window.SpeechSynthesisUtterance !== "function") return Promise.resolve(null);
    const pick = () => synth.getVoices().find((v) => /^nl/i.test(v.lang)) || null;
    if (synth.getVoices().length) return Promise.resolve(pick());
    return new Promise((resolve) => {
      const done = () => resolve(pick());
      synth.addEventListener("voiceschanged", done, { once: true });
      window.setTimeout(done, 500);
    });
  }

  function player(root) {
    root.dataset.storyReady = "1";
    const $ = (selector) => root.querySelector(selector);
    const scenes = Array.from(root.querySelectorAll(".story-scene"), (li) => {
      const img = li.querySelector("img");
      const text = li.querySelector("p").textContent.replace(/\s+/g, " ").trim();
      return { src: img ? img.getAttribute("src") : "", alt: img ? img.alt : "", text };
    });
    const [start, play, stage, list, picture, count, caption, pause, again, close] = [
      ".story-start", "[data-story-play]", ".story-stage", "ol.story", "[data-story-picture]",
      "[data-story-count]", "[data-story-text]", "[data-story-pause]", "[data-story-again]", "[data-story-close]",
    ].map($);
    const data = root.dataset;
    let index = 0;
    let playing = false;
    let voice = null;
    let turn = 0; // each start, pause or stop is a new turn: late callbacks of an old one do nothing
    let timer = 0;
    let dueAt = 0;
    let pace = 1;
    let left = 0; // after a pause: what was left of the scene, in ms at the normal pace

    const seconds = (scene) => Math.max(+data.minSeconds || 3, (+data.secondsPerWord || 0.45) * scene.text.split(" ").length);
    const state = (value) => { data.storyState = value; };

    function halt() {
      turn += 1;
      playing = false;
      window.clearTimeout(timer);
      if (voice) synth.cancel();
    }

    function show() {
      const scene = scenes[index];
      picture.hidden = !scene.src;
      if (scene.src) Object.assign(picture, { src: scene.src, alt: scene.alt });
      picture.classList.remove("story-fade"); // restart the fade-in (none with reduced motion: app.css)
      void picture.offsetWidth;
      picture.classList.add("story-fade");
      count.textContent = data.textScene.replace("{n}", index + 1).replace("{total}", scenes.length);
      caption.textContent = scene.text;
      data.storyScene = index + 1;
    }

    function wait(ms) {
      window.clearTimeout(timer);
      const mine = turn;
      pace = Math.min(50, Math.max(1, +data.storySpeed || 1));
      dueAt = Date.now() + ms / pace;
      timer = window.setTimeout(() => { if (mine === turn) next(); }, ms / pace);
    }

    function run() {
      const scene = scenes[index];
      window.clearTimeout(timer);
      if (!voice) return wait(seconds(scene) * 1000);
      const mine = turn;
      // Some phones never say a voice is done: after three times the reading time, go on anyway.
      const late = seconds(scene) * 3000 + 5000;
      timer = window.setTimeout(() => { if (mine === turn) { turn += 1; synth.cancel(); next(); } }, late);
      const utterance = new window.SpeechSynthesisUtterance(scene.text);
      Object.assign(utterance, { lang: "nl-NL", voice, rate: 0.9 });
      utterance.onend = () => { if (mine === turn) next(); };
      utterance.onerror = (event) => {
        if (mine !== turn || ["interrupted", "canceled"].includes(event.error)) return;
        voice = null; // the voice failed: go on with the text large, on the timer
        root.classList.add("story-silent");
        wait(seconds(scene) * 1000);
      };
      synth.speak(utterance);
    }

    function next() {
      if (!document.contains(root)) return halt();
      if (index < scenes.length - 1) {
        index += 1;
        show();
        return run();
      }
      playing = false;
      state("done");
      count.textContent += `. ${data.textDone}`;
      const focused = document.activeElement === pause;
      pause.hidden = true;
      if (focused) again.focus();
    }

    function begin() {
      halt();
      index = 0;
      playing = true;
      state("playing");
      pause.hidden = false;
      pause.textContent = data.textPause;
      show();
      run();
    }

    function toggle() {
      playing = !playing;
      if (!playing) {
        halt();
        left = Math.max(0, dueAt - Date.now()) * pace;
        state("paused");
        pause.textContent = data.textResume;
        return;
      }
      state("playing");
      pause.textContent = data.textPause;
      if (voice) run(); // speech cannot be resumed reliably: the scene is read again
      else wait(left);
    }

    play.addEventListener("click", async () => {
      play.disabled = true;
      voice = await dutchVoice();
      play.disabled = false;
      root.classList.toggle("story-silent", !voice);
      start.hidden = list.hidden = true;
      stage.hidden = false;
      begin();
      const calm = window.matchMedia("(prefers-reduced-motion: reduce)").matches;
      stage.scrollIntoView({ block: "start", behavior: calm ? "auto" : "smooth" });
      pause.focus({ preventScroll: true });
    });
    pause.addEventListener("click", toggle);
    again.addEventListener("click", () => { begin(); pause.focus(); });
    close.addEventListener("click", () => {
      halt();
      playing = false;
      delete data.storyState;
      stage.hidden = true;
      start.hidden = list.hidden = false;
      play.focus();
    });
    // Another app on the phone, or leaving the page: no voice talking unseen.
    document.addEventListener("visibilitychange", () => { if (document.hidden && playing) toggle(); });
    window.addEventListener("pagehide", () => { if (playing) toggle(); });
    start.hidden = false;
    return { root, halt };
  }

  // A story swapped away (its screen replaced by the first question) stops talking at once.
  let players = [];
  const setUp = () => {
    players = players.filter((p) => document.contains(p.root) || p.halt());
    document.querySelectorAll("[data-story]:not([data-story-ready])").forEach((root) => players.push(player(root)));
  };
  document.addEventListener("DOMContentLoaded", () => {
    setUp();
    // The story screen comes back swapped in (static/js/app.js) from the first question.
    const main = document.getElementById("inhoud");
    if (main && window.MutationObserver) new MutationObserver(setUp).observe(main, { childList: true, subtree: true });
  });
})();
