// Voice in the participant's pages: "Luister" reads a question or a piece of feedback aloud, and the
// look-back's "Spreek in" records a voice note in the page. Every page works without this file: the
// "Luister" buttons stay hidden (static/css/app.css) and the file field records with the phone's own app.
(function () {
  "use strict";

  // Luister: the browser's own speech, in a Dutch voice, as the header's "Lees voor" (static/js/app.js),
  // for the one element a button names (data-listen). Clicks are caught on the document, so the
  // buttons of a screen swapped in later work too.
  function listen() {
    if (!("speechSynthesis" in window) || !window.SpeechSynthesisUtterance) return;
    document.documentElement.classList.add("can-listen");
    let speaking = null;
    const reset = (button) => {
      button.querySelector("span").textContent = button.dataset.labelStart;
      button.setAttribute("aria-pressed", "false");
      if (speaking === button) speaking = null;
    };
    document.addEventListener("click", (event) => {
      const button = event.target.closest("button[data-listen]");
      if (!button) return;
      const label = button.querySelector("span");
      if (!button.dataset.labelStart) button.dataset.labelStart = label.textContent;
      const was = speaking;
      window.speechSynthesis.cancel();
      if (was) reset(was);
      if (was === button) return;
      const region = document.querySelector(button.dataset.listen);
      if (!region) return;
      const utterance = new SpeechSynthesisUtterance(region.innerText.replace(/\s+/g, " ").trim());
      utterance.lang = document.documentElement.lang === "en" ? "en-GB" : "nl-NL";
      const voice = window.speechSynthesis.getVoices().find((v) => v.lang.toLowerCase().startsWith(utterance.lang.slice(0, 2)));
      if (voice) utterance.voice = voice;
      utterance.rate = 0.9;
      utterance.onend = utterance.onerror = () => reset(button);
      speaking = button;
      label.textContent = button.dataset.labelStop;
      button.setAttribute("aria-pressed", "true");
      window.speechSynthesis.speak(utterance);
    });
  }

  // What the browser records in, the first it can: Chromium and Firefox Opus in WebM or Ogg, Safari
  // AAC in MP4. The server checks the first bytes of each (wpo/lib/uploads.py VOICE_TYPES).
  const TYPES = [["audio/webm;codecs=opus", "webm"], ["audio/ogg;codecs=opus", "ogg"], ["audio/mp4", "m4a"]];

  function canRecord() {
    if (!window.MediaRecorder || !navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) return false;
    try {
      return new DataTransfer().items !== undefined;
    } catch (error) {
      return false;
    }
  }

  // Spreek in: record, listen back, again or keep. The recording goes into the form's own file field
  // (data-voice-file), so it is sent — or queued offline — exactly as a chosen file would be.
  function recorder(box) {
    const form = box.closest("form");
    const fileField = form.querySelector("[data-voice-file]");
    const input = fileField.querySelector("input[type=file]");
    const button = box.querySelector("[data-record]");
    const label = box.querySelector("[data-record-label]");
    const status = box.querySelector("[data-record-status]");
    const recorded = box.querySelector("[data-recorded]");
    const playback = box.querySelector("[data-playback]");
    const keep = box.querySelector("[data-keep]");
    const startLabel = label.textContent;
    const say = (name) => { status.textContent = box.dataset[name] || ""; };
    let running = null;
    let address = null;

    box.hidden = false;
    fileField.hidden = true;

    function noMicrophone() {
      button.hidden = true;
      recorded.hidden = true;
      fileField.hidden = false;
      say("textNoMic");
    }

    function finished(chunks, type, extension) {
      const file = new File(chunks, `opname.${extension}`, { type: type.split(";")[0] });
      if (!file.size) return noMicrophone();
      const files = new DataTransfer();
      files.items.add(file);
      input.files = files.files;
      if (address) URL.revokeObjectURL(address);
      address = URL.createObjectURL(file);
      playback.src = address;
      button.hidden = true;
      recorded.hidden = false;
      keep.hidden = false;
      say("textDone");
      playback.focus();
    }

    async function start() {
      let stream;
      try {
        stream = await navigator.mediaDevices.getUserMedia({ audio: true });
      } catch (error) {
        return noMicrophone();
      }
      const [type, extension] = TYPES.find(([t]) => MediaRecorder.isTypeSupported(t)) || ["audio/webm", "webm"];
      const chunks = [];
      running = new MediaRecorder(stream, MediaRecorder.isTypeSupported(type) ? { mimeType: type } : undefined);
      running.addEventListener("dataavailable", (event) => { if (event.data.size) chunks.push(event.data); });
      running.addEventListener("stop", () => {
        stream.getTracks().forEach((track) => track.stop());
        box.classList.remove("recording");
        label.textContent = startLabel;
        running = null;
        finished(chunks, type, extension);
      });
      input.value = "";
      recorded.hidden = true;
      button.hidden = false;
      running.start();
      box.classList.add("recording");
      label.textContent = box.dataset.textStop;
      say("textRecording");
    }

    button.addEventListener("click", () => {
      if (running) running.stop();
      else start();
    });
    box.querySelector("[data-again]").addEventListener("click", () => start());
    keep.addEventListener("click", () => {
      keep.hidden = true;
      say("textKept");
    });
  }

  document.addEventListener("DOMContentLoaded", () => {
    listen();
    if (canRecord()) document.querySelectorAll("[data-recorder]").forEach(recorder);
  });
})();
