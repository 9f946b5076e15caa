// The SCORM runtime of the content origin (wpo/packages/content.py serves it to the launcher page).
// It offers window.API (SCORM 1.2) and window.API_1484_11 (SCORM 2004) to the package, which finds
// them in its parent frame, and keeps the values the package sets. The package's calls are
// synchronous, so the values live here; on Commit and on Finish/Terminate they go, as one message,
// to the platform's practice screen (static/js/packages.js), which alone talks to the platform.
// Messages go only to the platform's origin and are taken only from it.
(function () {
  "use strict";
  var root = document.documentElement;
  var platform = root.getAttribute("data-platform-origin");
  var frame = document.getElementById("wpo-package");
  var values = {};
  var kind = root.getAttribute("data-kind");
  var state = "new"; // new, running, ended
  var lastError = "0";

  var READ_ONLY_12 = ["cmi.core.student_id", "cmi.core.student_name", "cmi.core.entry", "cmi.core.credit",
    "cmi.core.lesson_mode", "cmi.core.total_time", "cmi.launch_data", "cmi.core._children", "cmi.core.score._children"];
  var WRITE_ONLY_12 = ["cmi.core.exit", "cmi.core.session_time"];
  var READ_ONLY_2004 = ["cmi.learner_id", "cmi.learner_name", "cmi.entry", "cmi.credit", "cmi.mode",
    "cmi.total_time", "cmi.launch_data", "cmi.completion_threshold", "cmi.scaled_passing_score", "cmi._version"];
  var WRITE_ONLY_2004 = ["cmi.exit", "cmi.session_time"];
  var DEFAULTS_12 = {
    "cmi.core.student_id": "deelnemer", "cmi.core.student_name": "Deelnemer", "cmi.core.lesson_status": "not attempted",
    "cmi.core.credit": "credit", "cmi.core.lesson_mode": "normal", "cmi.core.total_time": "0000:00:00", "cmi.launch_data": "",
    "cmi.core.lesson_location": "", "cmi.suspend_data": "", "cmi.core.score.raw": "",
    "cmi.core._children": "student_id,student_name,lesson_location,credit,lesson_status,entry,score,total_time,lesson_mode,exit,session_time",
    "cmi.core.score._children": "raw,min,max"
  };
  var DEFAULTS_2004 = {
    "cmi._version": "1.0", "cmi.learner_id": "deelnemer", "cmi.learner_name": "Deelnemer", "cmi.completion_status": "unknown",
    "cmi.success_status": "unknown", "cmi.credit": "credit", "cmi.mode": "normal", "cmi.total_time": "PT0S", "cmi.launch_data": ""
  };
  var MESSAGES = {
    "0": "No error", "101": "General exception", "103": "Already initialized", "104": "Content instance terminated",
    "112": "Termination before initialization", "113": "Termination after termination", "122": "Retrieve data before initialization",
    "123": "Retrieve data after termination", "132": "Store data before initialization", "133": "Store data after termination",
    "142": "Commit before initialization", "143": "Commit after termination", "201": "Invalid argument error",
    "301": "Not initialized", "401": "Not implemented error", "403": "Element is read only / not initialized",
    "404": "Element is write only / read only", "405": "Incorrect data type"
  };

  function is12() { return kind === "scorm12"; }
  function send(type, extra) {
    var message = { type: type };
    for (var key in extra || {}) message[key] = extra[key];
    window.parent.postMessage(message, platform);
  }
  function commit(finished) {
    send("wpo-package-commit", { values: values, finished: !!finished });
  }
  function fail(code, result) { lastError = code; return result; }

  function initialize() {
    if (state === "running") return fail(is12() ? "101" : "103", "false");
    if (state === "ended") return fail(is12() ? "101" : "104", "false");
    state = "running";
    lastError = "0";
    return "true";
  }
  function finish() {
    if (state !== "running") return fail(is12() ? "301" : (state === "new" ? "112" : "113"), "false");
    state = "ended";
    lastError = "0";
    commit(true);
    return "true";
  }
  function getValue(element) {
    if (state !== "running") return fail(is12() ? "301" : (state === "new" ? "122" : "123"), "");
    element = String(element);
    if ((is12() ? WRITE_ONLY_12 : WRITE_ONLY_2004).indexOf(element) >= 0) return fail(is12() ? "404" : "405", "");
    lastError = "0";
    if (Object.prototype.hasOwnProperty.call(values, element)) return values[element];
    var defaults = is12() ? DEFAULTS_12 : DEFAULTS_2004;
    if (Object.prototype.hasOwnProperty.call(defaults, element)) return defaults[element];
    if (/\._count$/.test(element)) return "0";
    return is12() ? "" : fail("403", "");
  }
  function setValue(element, value) {
    if (state !== "running") return fail(is12() ? "301" : (state === "new" ? "132" : "133"), "false");
    element = String(element);
    if (!/^cmi\.[A-Za-z0-9_.]+$/.test(element)) return fail(is12() ? "201" : "401", "false");
    if ((is12() ? READ_ONLY_12 : READ_ONLY_2004).indexOf(element) >= 0 || /\._(children|count)$/.test(element)) {
      return fail(is12() ? "403" : "404", "false");
    }
    values[element] = String(value);
    lastError = "0";
    return "true";
  }
  function doCommit() {
    if (state !== "running") return fail(is12() ? "301" : (state === "new" ? "142" : "143"), "false");
    lastError = "0";
    commit(false);
    return "true";
  }
  function errorString(code) { return MESSAGES[String(code)] || ""; }

  window.API = {
    LMSInitialize: initialize, LMSFinish: finish, LMSGetValue: getValue, LMSSetValue: setValue, LMSCommit: doCommit,
    LMSGetLastError: function () { return lastError; }, LMSGetErrorString: errorString, LMSGetDiagnostic: errorString
  };
  window.API_1484_11 = {
    Initialize: initialize, Terminate: finish, GetValue: getValue, SetValue: setValue, Commit: doCommit,
    GetLastError: function () { return lastError; }, GetErrorString: errorString, GetDiagnostic: errorString
  };

  // The practice screen answers "ready" with the values kept from before (suspend data, location,
  // whether this is a resume); only then does the package start, so its first GetValue finds them.
  window.addEventListener("message", function (event) {
    if (event.origin !== platform || event.source !== window.parent) return;
    var message = event.data || {};
    if (message.type !== "wpo-package-init" || frame.getAttribute("src")) return;
    values = {};
    for (var key in message.values || {}) values[key] = String(message.values[key]);
    // cmi5: the launch URL the platform made (the package's start file with the launch parameters),
    // taken only when it is a file of this same content origin.
    var start = frame.getAttribute("data-start");
    if (typeof message.start === "string") {
      var url = new URL(message.start, location.href);
      if (url.origin !== location.origin || url.pathname.indexOf("/p/") !== 0) return;
      start = url.href;
    }
    frame.setAttribute("src", start);
  });
  // Leaving the page halfway: what the package set is sent once more (it may not have committed).
  window.addEventListener("pagehide", function () { if (state === "running") commit(false); });
  send("wpo-package-ready");
})();
