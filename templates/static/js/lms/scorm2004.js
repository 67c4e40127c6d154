/* cpd-pack LMS adapter: SCORM 2004 4th Edition (see standards.md §0.4, §3.1, §3.2, §4, §11).
 * Sets window.CPD_LMS. Interface (same in every adapter): start (a Promise of the launch info),
 * save, recordAnswer, setResult, commit, finish. */
(function () {
  "use strict";
  var C = {
    format: "scorm2004",
    apiName: "API_1484_11",
    maxHops: 500, // IEEE/ADL discovery limit (§3.1)
    fn: { init: "Initialize", finish: "Terminate", get: "GetValue", set: "SetValue", commit: "Commit",
      error: "GetLastError" },
    el: { completion: "cmi.completion_status", success: "cmi.success_status", entry: "cmi.entry",
      location: "cmi.location", suspend: "cmi.suspend_data", name: "cmi.learner_name", id: "cmi.learner_id",
      passing: "cmi.scaled_passing_score", raw: "cmi.score.raw", min: "cmi.score.min",
      max: "cmi.score.max", scaled: "cmi.score.scaled", progress: "cmi.progress_measure",
      exit: "cmi.exit", session: "cmi.session_time", nav: "adl.nav.request", count: "cmi.interactions._count",
      mode: "cmi.mode", credit: "cmi.credit",
      ix: "cmi.interactions." },
    type: { single: "choice", multiple: "choice", "true-false": "true-false", matching: "matching",
      sequencing: "sequencing", "fill-in": "fill-in", numeric: "numeric" },
    result: { correct: "correct", wrong: "incorrect" }, // 2004 says "incorrect" (pitfall 8)
    delimiter: "[,]",
    idPrefix: "urn:cpd-pack:", // CMILongIdentifier urn:<NID 1-31 [A-Za-z0-9-]>:<NSS> (§4)
    exit: "suspend",
    // Exit button: ask the LMS to suspend the attempt and close the player, so SCORM Cloud and
    // others don't leave the learner in a stuck frame (pitfall 13).
    leaveRequest: "suspendAll",
    limits: { suspend: 64000, location: 1000, interactions: 250 }, // §3.2 SPMs
    errors: { NONE: "0", GENERAL: "101", ALREADY_INITIALIZED: "103", TERMINATED: "104",
      NOT_INITIALIZED: "122", UNDEFINED: "401", NOT_SET: "403", READ_ONLY: "404", WRITE_ONLY: "405",
      TYPE_MISMATCH: "406", OUT_OF_RANGE: "407", DEPENDENCY: "408" },
    // after a failed call (scorm-api.js): sent again at the next event (general, set and commit
    // failures) / the session is over (terminated, or no longer initialized) / already open
    codes: { retry: { "101": 1, "351": 1, "391": 1 },
      over: { "104": 1, "113": 1, "122": 1, "123": 1, "132": 1, "133": 1, "142": 1, "143": 1 }, already: "103" }
  };

  window.CPD_API.connectOnly([]); // the LMS's API is JavaScript: this page needs no network
  var lms = window.CPD_API.session(C), get = lms.get, set = lms.set, started = 0, courseId = "";
  var heldCompleted = false, heldPassed = false, next = 0, base = null, rated = {};

  function fixed(x, places) { // decimal without exponent or trailing zeros
    var s = (Math.round(x * Math.pow(10, places)) / Math.pow(10, places)).toFixed(places);
    return s.indexOf(".") < 0 ? s : s.replace(/0+$/, "").replace(/\.$/, "");
  }
  /* timeinterval PT#H#M#.##S, at most two decimals (§0.4, pitfall 10) */
  function duration(seconds) {
    var cs = Math.max(0, Math.round(seconds * 100));
    return "PT" + Math.floor(cs / 360000) + "H" + (Math.floor(cs / 6000) % 60) + "M" +
      fixed((cs % 6000) / 100, 2) + "S";
  }
  /* time(second,10,2): YYYY-MM-DDThh:mm:ss.ssZ; never the 3 digits of toISOString() (§0.4) */
  function timestamp(d) { return d.toISOString().slice(0, 22) + "Z"; }

  /* 2004 patterns (RTE 4.2.9): choice and sequencing "a[,]b"; matching "1[.]a[,]2[.]b"; fill-in
     "{case_matters=false}text", each accepted answer its own pattern (the SPM is 5); numeric
     "min[:]max". Typed text loses what would read as a delimiter or a {lang=} prefix. */
  function parts(a, ids) {
    return ids.map(function (id) { return a.type === "matching" ? id.join("[.]") : id; }).join(C.delimiter);
  }
  function typed(text) { return String(text).replace(/\[[,.:]\]/g, " ").replace(/^\{+/, "").slice(0, 250); }
  function patterns(a) {
    if (a.type === "fill-in") {
      return a.correctIds.slice(0, 5).map(function (t) { return "{case_matters=" + !!a.caseSensitive + "}" + typed(t); });
    }
    if (a.type === "numeric") return [a.correctIds[0] + "[:]" + a.correctIds[1]];
    return [parts(a, a.correctIds)];
  }
  function response(a) { return a.type === "fill-in" || a.type === "numeric" ? typed(a.responseIds[0]) : parts(a, a.responseIds); }

  window.CPD_LMS = {
    format: C.format,
    limits: C.limits,
    found: lms.found,
    start: function (opts) {
      courseId = (opts && opts.courseId) || "course";
      started = Date.now();
      if (!lms.open()) return Promise.resolve(Object.assign(window.CPD_API.offline(true), { initFailed: lms.failedInit() }));
      var completion = get(C.el.completion), success = get(C.el.success);
      var passing = parseFloat(get(C.el.passing)), raw = parseFloat(get(C.el.raw));
      var mode = get(C.el.mode) || "normal";
      heldCompleted = completion === "completed";
      heldPassed = success === "passed";
      var info = {
        connected: true,
        mode: mode,
        recording: window.CPD_API.recording(mode, get(C.el.credit)),
        entry: get(C.el.entry) || "",
        location: get(C.el.location),
        suspendData: get(C.el.suspend),
        learnerName: window.CPD_API.displayName(get(C.el.name)),
        attempt: get(C.el.id), // with the page's address, names this attempt in this browser
        // scaled_passing_score is 0..1; empty or 403 -> the course's own pass mark (§1.3)
        passMark: isNaN(passing) ? null : Math.round(passing * 10000) / 100,
        status: {
          completion: completion === "completed" ? "completed" : "incomplete",
          success: success === "passed" || success === "failed" ? success : "unknown",
          scoreRaw: isNaN(raw) ? null : raw
        }
      };
      if (!info.recording) return Promise.resolve(info); // review, browse or no credit: write nothing
      if (completion !== "completed" && completion !== "incomplete") set(C.el.completion, "incomplete");
      set(C.el.exit, C.exit); // Moodle restores state only after exit=suspend (§0.6)
      return Promise.resolve(info);
    },
    /* true when a commit is owed (the LMS failed to take something before) */
    save: function (s) {
      lms.resend();
      if (s.location !== undefined) set(C.el.location, s.location);
      if (s.suspendData !== undefined) set(C.el.suspend, s.suspendData);
      if (typeof s.progress === "number") set(C.el.progress, fixed(Math.min(1, Math.max(0, s.progress)), 4));
      return lms.due();
    },
    /* a = {id, type, index, total, ...}: answer ``index`` of ``total`` in one submitted attempt.
       An LMS must keep only 250 records (§3.2 SPM): an attempt that does not fit whole after the
       earlier ones replaces, question by question, the newest attempt that did (README
       "Interactions"); of a quiz longer than 250 questions, the first 250 are recorded. */
    recordAnswer: function (a) {
      // the LMS's count misses records still waiting to be sent (scorm-api.js)
      var count = Math.max(parseInt(get(C.el.count), 10) || 0, next), max = C.limits.interactions;
      var index = a.index || 0, total = a.total || 1; // without them: one record appended
      if (index === 0 || base === null) {
        base = count + total <= max ? count : Math.max(0, (Math.floor(max / total) - 1) * total);
      }
      var n = base + index, p = C.el.ix + n + ".";
      if (n >= max) return;
      next = Math.max(next, n + 1);
      // dependency order: id first, then type, then responses (§3.2; 408 otherwise)
      set(p + "id", C.idPrefix + courseId + ":" + a.id);
      set(p + "type", C.type[a.type]);
      patterns(a).forEach(function (pattern, k) { set(p + "correct_responses." + k + ".pattern", pattern); });
      set(p + "learner_response", response(a));
      set(p + "result", a.correct ? C.result.correct : C.result.wrong);
      set(p + "weighting", "1");
      set(p + "latency", duration(a.latencySeconds));
      set(p + "timestamp", timestamp(new Date()));
      if (a.description) set(p + "description", a.description.slice(0, 250));
    },
    /* r = {id, value, description}: a self-assessment rating (id "before-<statement>" or
       "after-..."), a likert interaction with no correct answer, within the 250 records; rated
       again in this session, the same record is updated. */
    recordRating: function (r) {
      var n = rated[r.id];
      if (n === undefined) {
        n = Math.max(parseInt(get(C.el.count), 10) || 0, next);
        if (n >= C.limits.interactions) return;
        rated[r.id] = n;
        next = n + 1;
      }
      var p = C.el.ix + n + ".";
      set(p + "id", C.idPrefix + courseId + ":sa-" + r.id);
      set(p + "type", "likert");
      set(p + "learner_response", String(r.value));
      set(p + "result", "neutral");
      set(p + "timestamp", timestamp(new Date()));
      if (r.description) set(p + "description", r.description.slice(0, 250));
    },
    /* r = {completed, passed: true|false|null, final, scorePercent: number|null}. Moodle grades
       only score.raw (§0.2) and never derives success_status itself (§0.3). What the LMS holds
       is never downgraded; "Require status: Completed" in Moodle reads completion_status,
       which is completed only when the course's rule holds. */
    setResult: function (r) {
      if (r.scorePercent !== null && r.scorePercent !== undefined) {
        set(C.el.scaled, fixed(r.scorePercent / 100, 4));
        set(C.el.raw, fixed(r.scorePercent, 2));
        set(C.el.min, "0");
        set(C.el.max, "100");
      }
      if (r.passed === true || (r.passed === false && !heldPassed)) set(C.el.success, r.passed ? "passed" : "failed");
      set(C.el.completion, r.completed || heldCompleted ? "completed" : "incomplete");
    },
    commit: lms.commit,
    onStatus: lms.onStatus, // values the LMS failed to take (scorm-api.js)
    finish: function (opts) { // true when the LMS took everything
      if (!lms.live()) return false;
      if (!opts || opts.record !== false) {
        set(C.el.exit, C.exit);
        if (opts && opts.leave) set(C.el.nav, C.leaveRequest);
        set(C.el.session, duration((Date.now() - started) / 1000));
      }
      return lms.close();
    }
  };
})();
