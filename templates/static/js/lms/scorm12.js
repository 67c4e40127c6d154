/* cpd-pack LMS adapter: SCORM 1.2 (see standards.md §3.1, §3.3, §11). Sets window.CPD_LMS.
 * Interface (same in every adapter): start (a Promise of the launch info), save,
 * recordAnswer, setResult, commit, finish. */
(function () {
  "use strict";
  var C = {
    format: "scorm12",
    apiName: "API",
    maxHops: 7, // ADL 1.2 discovery algorithm (§3.1)
    fn: { init: "LMSInitialize", finish: "LMSFinish", get: "LMSGetValue", set: "LMSSetValue",
      commit: "LMSCommit", error: "LMSGetLastError" },
    el: { status: "cmi.core.lesson_status", entry: "cmi.core.entry", location: "cmi.core.lesson_location",
      suspend: "cmi.suspend_data", name: "cmi.core.student_name", id: "cmi.core.student_id", mastery: "cmi.student_data.mastery_score",
      mode: "cmi.core.lesson_mode", credit: "cmi.core.credit",
      raw: "cmi.core.score.raw", min: "cmi.core.score.min", max: "cmi.core.score.max",
      exit: "cmi.core.exit", session: "cmi.core.session_time", count: "cmi.interactions._count",
      ix: "cmi.interactions." },
    // 1.2 has one status; rank decides what may overwrite what (never downgrade). failed is
    // only for a quiz with no attempt left (pitfall 14, §11.12), and may go back to incomplete.
    rank: { "": 0, "not attempted": 0, browsed: 1, incomplete: 1, failed: 1, completed: 3, passed: 4 },
    // statuses an LMS's mastery override cannot contradict (§4, §11.4, §11.11)
    final: { passed: true, failed: true },
    type: { single: "choice", multiple: "choice", "true-false": "true-false", matching: "matching",
      sequencing: "sequencing", "fill-in": "fill-in", numeric: "numeric" },
    tf: { "true": "t", "false": "f" }, // 1.2 true-false response vocabulary
    result: { correct: "correct", wrong: "wrong" }, // 1.2 says "wrong", not "incorrect" (pitfall 8)
    exit: "suspend",
    limits: { suspend: 4096, location: 255 }, // §3.3 CMIString4096 / CMIString256
    errors: { NONE: "0", GENERAL: "101", ARGUMENT: "201", NOT_INITIALIZED: "301", NOT_IMPLEMENTED: "401",
      READ_ONLY: "403", WRITE_ONLY: "404", TYPE_MISMATCH: "405" },
    // after a failed call (scorm-api.js): sent again at the next event / the session is over
    codes: { retry: { "101": 1 }, over: { "301": 1 } }
  };

  window.CPD_API.connectOnly([]); // the LMS's API is JavaScript: this page needs no network
  var lms = window.CPD_API.session(C), get = lms.get, set = lms.set, pad = window.CPD_API.pad;
  var started = 0, held = "", mastery = false, next = 0, rated = {};

  /* CMITimespan HHHH:MM:SS.SS, always two-digit hundredths (Moodle misreads one digit, §11.6). */
  function timespan(seconds) {
    var cs = Math.max(0, Math.round(seconds * 100));
    var h = Math.min(9999, Math.floor(cs / 360000));
    var m = Math.floor(cs / 6000) % 60, s = Math.floor(cs / 100) % 60;
    return pad(h, 4) + ":" + pad(m, 2) + ":" + pad(s, 2) + "." + pad(cs % 100, 2);
  }
  function clock(d) { // CMITime HH:MM:SS (time of day)
    return pad(d.getHours(), 2) + ":" + pad(d.getMinutes(), 2) + ":" + pad(d.getSeconds(), 2);
  }
  function decimal(x) { return String(Math.round(x * 100) / 100); }
  window.CPD_LMS = {
    format: C.format,
    limits: C.limits,
    found: lms.found,
    start: function () {
      started = Date.now();
      if (!lms.open()) return Promise.resolve(Object.assign(window.CPD_API.offline(true), { initFailed: lms.failedInit() }));
      held = get(C.el.status);
      var masteryScore = parseFloat(get(C.el.mastery)), raw = parseFloat(get(C.el.raw));
      var mode = get(C.el.mode) || "normal";
      mastery = !isNaN(masteryScore);
      var info = {
        connected: true,
        mode: mode,
        recording: window.CPD_API.recording(mode, get(C.el.credit)),
        entry: get(C.el.entry) || "",
        location: get(C.el.location),
        suspendData: get(C.el.suspend),
        learnerName: window.CPD_API.displayName(get(C.el.name)),
        attempt: get(C.el.id), // with the page's address, names this attempt in this browser
        passMark: mastery ? masteryScore : null,
        status: {
          completion: held === "passed" || held === "completed" ? "completed" : "incomplete",
          success: held === "passed" ? "passed" : held === "failed" ? "failed" : "unknown",
          scoreRaw: isNaN(raw) ? null : raw
        }
      };
      if (!info.recording) return Promise.resolve(info); // review, browse or no credit: write nothing
      // Moodle turns a status still "not attempted" into "completed" at LMSFinish (§11.4).
      if (!C.rank[held]) { set(C.el.status, "incomplete"); held = "incomplete"; }
      set(C.el.exit, C.exit); // the learner may always come back (§0.6)
      return Promise.resolve(info);
    },
    /* true when a commit is owed (the LMS failed to take something before) */
    save: function (s) {
      lms.resend();
      if (s.location !== undefined) set(C.el.location, s.location);
      if (s.suspendData !== undefined) set(C.el.suspend, s.suspendData);
      return lms.due();
    },
    recordAnswer: function (a) {
      // the LMS's count misses records still waiting to be sent (scorm-api.js)
      var n = Math.max(parseInt(get(C.el.count), 10) || 0, next), p = C.el.ix + n + ".";
      next = n + 1;
      // 1.2 patterns (RTE 3.4.4): choice and sequencing "a,b"; matching "1.a,2.b"; fill-in the
      // text, each accepted answer its own pattern; numeric one CMIDecimal (a range has none)
      var map = function (ids) {
        return ids.map(function (id) {
          return a.type === "true-false" ? C.tf[id] : a.type === "matching" ? id.join(".") : id;
        }).join(",");
      };
      var patterns = a.type === "fill-in" ? a.correctIds.slice(0, 5)
        : a.type === "numeric" ? (a.correctIds[0] === a.correctIds[1] ? [String(a.correctIds[0])] : [])
        : [map(a.correctIds)];
      set(p + "id", a.id);
      set(p + "type", C.type[a.type]);
      patterns.forEach(function (pattern, k) { set(p + "correct_responses." + k + ".pattern", pattern); });
      set(p + "student_response", a.type === "fill-in" || a.type === "numeric" ? String(a.responseIds[0]).slice(0, 255) : map(a.responseIds));
      set(p + "result", a.correct ? C.result.correct : C.result.wrong);
      set(p + "weighting", "1");
      set(p + "latency", timespan(a.latencySeconds));
      set(p + "time", clock(new Date()));
    },
    /* r = {id, value, description}: a self-assessment rating (id "before-<statement>" or
       "after-..."), a likert interaction with no correct answer. Rated again in this session,
       the same record is updated. */
    recordRating: function (r) {
      var n = rated[r.id];
      if (n === undefined) { n = rated[r.id] = Math.max(parseInt(get(C.el.count), 10) || 0, next); next = n + 1; }
      var p = C.el.ix + n + ".";
      set(p + "id", "sa-" + r.id);
      set(p + "type", "likert");
      set(p + "student_response", String(r.value));
      set(p + "result", "neutral");
      set(p + "time", clock(new Date()));
    },
    /* r = {completed, passed: true|false|null, final, scorePercent: number|null}. 1.2 has one
       status: passed only when the completion rule holds, failed only when no attempt is left
       (final), else incomplete. Where the LMS holds a mastery score, an LMS applying "mastery
       score overrides status" (Moodle's default) would turn any status into passed or failed
       from score.raw alone at LMSFinish, so the score goes only with a status that agrees. */
    setResult: function (r) {
      var status = r.passed === false && r.final ? "failed"
        : r.completed ? (r.passed ? "passed" : "completed") : "incomplete";
      var hasScore = r.scorePercent !== null && r.scorePercent !== undefined;
      if (hasScore && (!mastery || C.final[status])) {
        set(C.el.min, "0");
        set(C.el.max, "100");
        set(C.el.raw, decimal(r.scorePercent));
      }
      if (C.rank[status] >= (C.rank[held] || 0) && status !== held) {
        if (set(C.el.status, status)) held = status;
      }
    },
    commit: lms.commit,
    onStatus: lms.onStatus, // values the LMS failed to take (scorm-api.js)
    finish: function (opts) { // true when the LMS took everything
      if (!lms.live()) return false;
      if (!opts || opts.record !== false) {
        set(C.el.exit, C.exit);
        set(C.el.session, timespan((Date.now() - started) / 1000));
      }
      return lms.close();
    }
  };
})();
