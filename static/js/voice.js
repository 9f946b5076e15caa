// "Luister" reads a question or feedback aloud; the look-back's "Spreek in" records in the page.
// Without this file the buttons stay hidden (app.css) and the file field records with the phone's app.
(function () {
  "use strict";

  // As the header's "Lees voor" (app.js), for the element a button names in data-listen.
  function listen() {
    const speech = window.speechSynthesis;
    if (!speech || !window.SpeechSynthesisUtterance) return;
    document.documentElement.classList.add("can-listen");
    let speaking = null;
    const reset = (b) => {
      b.querySelector("span").textContent = b.dataset.labelStart;
      b.setAttribute("aria-pressed", "false");
      if (speaking === b) speaking = null;
    };
    document.addEventListener("click", (event) => {
      const button = event.target.closest("button[data-listen]");
      const region = button && document.querySelector(button.dataset.listen);
      if (!region) return;
      const label = button.querySelector("span");
      button.dataset.labelStart = button.dataset.labelStart || label.textContent;
      const was = speaking;
      speech.cancel();
      if (was) reset(was);
      if (was === button) return;
      const say = new SpeechSynthesisUtterance(region.innerText.replace(/\s+/g, " ").trim());
      say.lang = document.documentElement.lang === "en" ? "en-GB" : "nl-NL";
      say.voice = speech.getVoices().find((v) => v.lang.toLowerCase().startsWith(say.lang.slice(0, 2))) || null;
      say.rate = 0.9;
      say.onend = say.onerror = () => reset(button);
      speaking = button;
      label.textContent = button.dataset.labelStop;
      button.setAttribute("aria-pressed", "true");
      speech.speak(say);
    });
  }

  // The first the browser can record in; the server checks the first bytes (wpo/lib/uploads.py).
  const TYPES = [["audio/webm;codecs=opus", "webm"], ["audio/ogg;codecs=opus", "ogg"], ["audio/mp4", "m4a"]];

  // Record, listen back, again or keep. The recording goes into the form's own file field, so it is
  // sent, or queued offline (app.js), exactly as a chosen file would be.
  function recorder(box) {
    const fileField = box.closest("form").querySelector("[data-voice-file]");
    const input = fileField.querySelector("input[type=file]");
    const part = (name) => box.querySelector(`[data-${name}]`);
    const [button, label, status, recorded, playback, keep] =
      ["record", "record-label", "record-status", "recorded", "playback", "keep"].map(part);
    const startLabel = label.textContent;
    const say = (name) => { status.textContent = box.dataset[name]; };
    let running = null;

    const noMicrophone = () => {
      button.hidden = recorded.hidden = true;
      fileField.hidden = false;
      say("textNoMic");
    };

    async function start() {
      let stream;
      try {
        stream = await navigator.mediaDevices.getUserMedia({ audio: true });
      } catch (error) {
        return noMicrophone();
      }
      const [type, extension] = TYPES.find(([t]) => MediaRecorder.isTypeSupported(t)) || ["", "webm"];
      const chunks = [];
      running = new MediaRecorder(stream, type ? { mimeType: type } : undefined);
      running.ondataavailable = (event) => chunks.push(event.data);
      running.onstop = () => {
        stream.getTracks().forEach((track) => track.stop());
        box.classList.remove("recording");
        label.textContent = startLabel;
        running = null;
        const file = new File(chunks, `opname.${extension}`, { type: (type || "audio/webm").split(";")[0] });
        if (!file.size) return noMicrophone();
        const files = new DataTransfer();
        files.items.add(file);
        input.files = files.files;
        if (playback.src) URL.revokeObjectURL(playback.src);
        playback.src = URL.createObjectURL(file);
        button.hidden = true;
        recorded.hidden = keep.hidden = false;
        say("textDone");
        playback.focus();
      };
      input.value = "";
      recorded.hidden = true;
      button.hidden = false;
      running.start();
      box.classList.add("recording");
      label.textContent = box.dataset.textStop;
      say("textRecording");
    }

    box.hidden = false;
    fileField.hidden = true;
    button.addEventListener("click", () => (running ? running.stop() : start()));
    part("again").addEventListener("click", start);
    keep.addEventListener("click", () => { keep.hidden = true; say("textKept"); });
  }

  document.addEventListener("DOMContentLoaded", () => {
    listen();
    let canRecord = !!(window.MediaRecorder && navigator.mediaDevices && navigator.mediaDevices.getUserMedia);
    try { new DataTransfer(); } catch (error) { canRecord = false; }
    if (canRecord) document.querySelectorAll("[data-recorder]").forEach(recorder);
  });
})();
