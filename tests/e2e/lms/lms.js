/*
 * Test LMS for cpd-pack's browser tests.
 *
 * Hosts scorm-again as window.API (SCORM 1.2) or window.API_1484_11 (SCORM 2004) and
 * launches the SCO in an iframe, as Moodle does. Every API call made by the SCO is logged:
 *   window.lmsLog         [{seq, t, method, generic, args, result, error?, diagnostic?}]
 *   window.lmsErrors      calls whose error code afterwards is not "0" ...
 *   window.lmsUnsetReads  ... except 2004 GetValue -> 403 (element has no value yet)
 *   window.lmsCounts      {Initialize, Terminate, Commit}
 *   window.lmsMessages    scorm-again log messages [{level, message}]
 *   window.lmsFinal       after Terminate: {commit: renderCommitCMI(true),
 *                         flat: getFlattenedCMI() + flattened commit (adds total_time)}
 *   window.lmsApi         the unwrapped scorm-again object (for reading the CMI)
 *   window.lmsStore       what the LMS's server holds after each Commit/Terminate: the launch
 *                         values, updated with every element sent. cfg.sendOnlyChanged sends,
 *                         as Moodle's 2004 player does (standards.md §11.14), only elements whose
 *                         value differs from the value at launch; otherwise every element.
 *   window.lmsFaults      the faults injected so far [{seq, method, element, fault, error}]
 * cfg.faults makes the LMS misbehave on demand (change window.lmsConfig.faults at any time):
 *   initialize  "false" | "throw" on every call, or n: "false" for the first n calls only
 *   commit, terminate  "false" | "throw" | "null" (Cornerstone answers null during unload,
 *                      pitfall 6)
 *   setValue    {"<element regex>": "<error code>" | "throw"}: "false" and that error code
 *   terminateOnHide  true: when the learner leaves (unloadSCO), the LMS ends the session itself
 *                    before the SCO's page is hidden
 *   lateApiMs   n: the API appears n ms after the SCO starts loading (same as apiDelayMs)
 * An injected failure answers GetLastError with its code (102/101 for Initialize, 391/101 for
 * Commit, 101 for Terminate) and is logged in lmsFaults, not in lmsErrors; nothing is stored.
 * Start with startLMS({version, initial, launch, settings}) or a JSON config in the URL hash.
 * 1.2 applies "mastery score overrides status" at LMSFinish as Moodle does by default (§4, §11.4,
 * §11.11): scorm-again's mastery_override, set explicitly here.
 */
"use strict";

(function () {
  const METHODS = {
    "1.2": {
      Initialize: "LMSInitialize", Terminate: "LMSFinish", GetValue: "LMSGetValue",
      SetValue: "LMSSetValue", Commit: "LMSCommit", GetLastError: "LMSGetLastError",
      GetErrorString: "LMSGetErrorString", GetDiagnostic: "LMSGetDiagnostic",
    },
    "2004": {
      Initialize: "Initialize", Terminate: "Terminate", GetValue: "GetValue",
      SetValue: "SetValue", Commit: "Commit", GetLastError: "GetLastError",
      GetErrorString: "GetErrorString", GetDiagnostic: "GetDiagnostic",
    },
  };
  const ERROR_QUERIES = new Set(["GetLastError", "GetErrorString", "GetDiagnostic"]);

  window.lmsLog = [];
  window.lmsErrors = [];
  window.lmsUnsetReads = [];
  window.lmsMessages = [];
  window.lmsCounts = { Initialize: 0, Terminate: 0, Commit: 0 };
  window.lmsFinal = null;
  window.lmsApi = null;
  window.lmsConfig = null;
  window.lmsStore = null;
  window.lmsFaults = [];

  function flatten(obj, prefix, out) {
    for (const [key, value] of Object.entries(obj)) {
      const path = prefix ? prefix + "." + key : key;
      if (value !== null && typeof value === "object") flatten(value, path, out);
      else out[path] = value;
    }
    return out;
  }

  /* What the LMS would store: the terminate commit (with total_time), nested and flattened. */
  function snapshot(api) {
    const commit = JSON.parse(JSON.stringify(api.renderCommitCMI(true)));
    const flat = JSON.parse(JSON.stringify(api.getFlattenedCMI()));
    return { commit, flat: Object.assign(flat, flatten(commit, "", {})) };
  }

  /* The server side: after a Commit or Terminate, keep what the LMS sends (see lmsStore). */
  function store(api) {
    const now = snapshot(api).flat, launch = window.lmsConfig.initial || {};
    for (const [k, v] of Object.entries(now)) {
      if (v === "" || v === null || v === undefined) continue;
      if (window.lmsConfig.sendOnlyChanged && String(launch[k]) === String(v)) continue;
      window.lmsStore[k] = String(v);
    }
  }

  /* The fault cfg.faults injects into this call: null, or {mode: "false"|"throw"|"null", error}. */
  let initFailures = 0;
  function fault(generic, args, version) {
    const f = (window.lmsConfig && window.lmsConfig.faults) || {};
    const v12 = version === "1.2";
    const mode = (m, error) => (m === "false" || m === "throw" || m === "null" ? { mode: m, error } : null);
    if (generic === "Initialize" && f.initialize !== undefined && f.initialize !== null) {
      if (typeof f.initialize === "number") {
        return initFailures++ < f.initialize ? { mode: "false", error: v12 ? "101" : "102" } : null;
      }
      return mode(f.initialize, v12 ? "101" : "102");
    }
    if (generic === "Commit") return mode(f.commit, v12 ? "101" : "391");
    if (generic === "Terminate") return mode(f.terminate, "101");
    if (generic === "SetValue" && f.setValue) {
      for (const [pattern, code] of Object.entries(f.setValue)) {
        if (new RegExp(pattern).test(String(args[0]))) {
          return code === "throw" ? { mode: "throw", error: "101" } : { mode: "false", error: String(code) };
        }
      }
    }
    return null;
  }

  /* Replace each API method by a logging wrapper (own property on the instance). */
  function instrument(api, version) {
    const names = METHODS[version];
    const original = {};
    let forced = null; // the error code of the last injected fault, until the next call
    for (const [generic, name] of Object.entries(names)) {
      original[generic] = api[name].bind(api);
    }
    window.lmsOriginal = original;
    for (const [generic, name] of Object.entries(names)) {
      api[name] = function (...args) {
        if (ERROR_QUERIES.has(generic) && forced !== null) {
          if (generic === "GetLastError") return forced;
          if (generic === "GetDiagnostic") return "fault injected by the test LMS";
        }
        const injected = ERROR_QUERIES.has(generic) ? null : fault(generic, args, version);
        forced = injected ? injected.error : null;
        const entry = {
          seq: window.lmsLog.length, t: performance.now(), method: name, generic,
          args: args.map((a) => (a === undefined ? null : a)),
        };
        if (generic in window.lmsCounts) window.lmsCounts[generic] += 1;
        if (injected) {
          window.lmsFaults.push({ seq: entry.seq, method: name, element: args.length ? args[0] : null,
            fault: injected.mode, error: injected.error });
          entry.fault = injected.mode;
          entry.error = injected.error;
          entry.result = injected.mode === "false" ? "false" : injected.mode === "null" ? null : "throw";
          window.lmsLog.push(entry);
          if (injected.mode === "throw") throw new Error("test LMS: " + name + " failed (injected)");
          return entry.result;
        }
        const result = original[generic](...args);
        entry.result = result;
        if (!ERROR_QUERIES.has(generic)) {
          entry.error = String(original.GetLastError());
          if (entry.error !== "0") {
            entry.diagnostic = String(original.GetDiagnostic(""));
            const unsetRead = version === "2004" && generic === "GetValue" && entry.error === "403";
            (unsetRead ? window.lmsUnsetReads : window.lmsErrors).push({
              seq: entry.seq, method: name, element: args.length ? args[0] : null,
              args: entry.args, error: entry.error, diagnostic: entry.diagnostic,
            });
          }
        }
        if ((generic === "Commit" || generic === "Terminate") && result === "true") {
          try { store(api); } catch (e) { window.lmsStore.error = String(e); }
        }
        if (generic === "Terminate" && result === "true" && window.lmsFinal === null) {
          try {
            window.lmsFinal = snapshot(api);
          } catch (e) {
            window.lmsFinal = { error: String(e) };
          }
        }
        window.lmsLog.push(entry);
        return result;
      };
    }
  }

  /**
   * Create the API, load the initial CMI (flattened, before Initialize) and launch the SCO.
   * cfg: {version: "1.2"|"2004", initial: {...}, launch: "pkg/index.html", settings: {...},
 *       apiDelayMs: optional delay before the API appears, faults: see the top of this file}
   */
  window.startLMS = function (cfg) {
    if (window.lmsApi) throw new Error("startLMS called twice");
    const version = String(cfg.version);
    if (!(version in METHODS)) throw new Error("unknown SCORM version " + version);
    window.lmsConfig = cfg;
    const settings = Object.assign(
      {
        lmsCommitUrl: false,
        autocommit: false,
        mastery_override: true,
        logLevel: 3,
        onLogMessage: (level, message) => window.lmsMessages.push({ level, message: String(message) }),
      },
      cfg.settings || {},
    );
    const api = version === "1.2" ? new window.Scorm12API(settings) : new window.Scorm2004API(settings);
    if (cfg.initial && Object.keys(cfg.initial).length) api.loadFromFlattenedJSON(cfg.initial);
    window.lmsStore = Object.assign({}, cfg.initial || {});
    window.lmsApi = api;
    instrument(api, version);
    // cfg.apiDelayMs: expose the API only after the SCO has started loading, as some LMSs do
    // (pitfall 18: Open edX's API is not ready when the iframe loads).
    const expose = () => { window[version === "1.2" ? "API" : "API_1484_11"] = api; };
    const delay = cfg.apiDelayMs || (cfg.faults && cfg.faults.lateApiMs) || 0;
    if (delay) setTimeout(expose, delay); else expose();

    // cfg.popup: open the SCO in a new window, as LMSs do for "new window" activities
    if (cfg.popup) return !!(window.lmsPopup = window.open(cfg.launch, "sco"));
    const frame = document.createElement("iframe");
    frame.id = "sco";
    frame.name = "sco";
    frame.title = "Course content";
    frame.src = cfg.launch;
    // cfg.frame {width, height}: a fixed player frame, as Moodle's (714x666 at 1366 px, §11.16)
    if (cfg.frame) {
      frame.style.width = cfg.frame.width + "px";
      frame.style.height = cfg.frame.height + "px";
    }
    document.getElementById("player").appendChild(frame);
    return true;
  };

  /* Simulate the learner leaving the SCO (Moodle: closing the player / next activity). */
  window.unloadSCO = function () {
    const faults = window.lmsConfig.faults || {};
    if (faults.terminateOnHide && window.lmsOriginal) { // the LMS ends the session first
      const result = window.lmsOriginal.Terminate("");
      window.lmsTerminatedByLms = result;
      if (result === "true") { store(window.lmsApi); window.lmsFinal = snapshot(window.lmsApi); }
    }
    if (window.lmsPopup) { window.lmsPopup.close(); return; }
    const frame = document.getElementById("sco");
    if (frame) frame.src = "about:blank";
  };

  document.addEventListener("DOMContentLoaded", () => {
    if (location.hash.length > 1) window.startLMS(JSON.parse(decodeURIComponent(location.hash.slice(1))));
  });
})();
