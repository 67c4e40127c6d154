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

  /* Replace each API method by a logging wrapper (own property on the instance). */
  function instrument(api, version) {
    const names = METHODS[version];
    const original = {};
    for (const [generic, name] of Object.entries(names)) {
      original[generic] = api[name].bind(api);
    }
    for (const [generic, name] of Object.entries(names)) {
      api[name] = function (...args) {
        const result = original[generic](...args);
        const entry = {
          seq: window.lmsLog.length, t: performance.now(), method: name, generic,
          args: args.map((a) => (a === undefined ? null : a)), result,
        };
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
        if (generic in window.lmsCounts) window.lmsCounts[generic] += 1;
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
 *       apiDelayMs: optional delay before the API appears}
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
    if (cfg.apiDelayMs) setTimeout(expose, cfg.apiDelayMs); else expose();

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
    if (window.lmsPopup) { window.lmsPopup.close(); return; }
    const frame = document.getElementById("sco");
    if (frame) frame.src = "about:blank";
  };

  document.addEventListener("DOMContentLoaded", () => {
    if (location.hash.length > 1) window.startLMS(JSON.parse(decodeURIComponent(location.hash.slice(1))));
  });
})();
