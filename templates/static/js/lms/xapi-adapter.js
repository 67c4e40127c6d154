/* cpd-pack: the adapter behaviour xAPI and cmi5 share, over CPD_XAPI_CLIENT.
 * CPD_XAPI_ADAPTER(C, launch) returns a CPD_LMS (start, save, recordAnswer, setResult, commit,
 * finish, onStatus). C is the standard's constants table (verbs, state id, policies); launch()
 * resolves to {client, actor, registration, activityId, object, mode, passMark, returnURL,
 * context(kind, extra), session: {initialized, startedAt}, keepSession()}. Resume and "never
 * downgrade" as in SCORM: the saved state lives in one State API document (C.stateId):
 * {location, suspendData, completed, passed, failed, scoreRaw, savedAt}. */
(function () {
  "use strict";
  var X = window.CPD_XAPI_CLIENT, RESPONDED = "http://adlnet.gov/expapi/verbs/responded";

  /* An address to go back to: http(s) only, never a javascript: or data: URL from a launch. */
  function safeURL(url) {
    try { var u = new URL(url, window.location.href); return url && /^https?:$/.test(u.protocol) ? u.href : ""; } catch (e) { return ""; }
  }

  window.CPD_XAPI_ADAPTER = function (C, launch) {
    var L = null, doc = {}, page = "", passedNow = false, pendingFail = null, ended = false, newer = [];
    var defs = window.CPD_XAPI || { pages: {}, questions: {} };
    var verb = function (name) { return { id: C.verbs[name], display: { "en-US": name } }; };
    var seconds = function () { return (Date.now() - L.session.startedAt) / 1000; };

    function send(name, object, result, kind) {
      var st = { actor: L.actor, verb: verb(name), object: object, context: L.context(kind || name) };
      if (result) st.result = result;
      return L.client.send(st);
    }
    function score(r) {
      var max = r.maxPoints || 1;
      return { scaled: Math.round(10000 * r.points / max) / 10000, raw: r.points, min: 0, max: max };
    }
    function save() { return L.client.putState(C.stateId, L.activityId, doc); }
    /* What another window (this browser's copy) or device (412 from the LRS) saved of this
       attempt: its results are kept, so passed and completed are never sent twice. */
    function absorb(theirs) {
      if (!theirs) return;
      ["completed", "passed", "failed"].forEach(function (k) { if (theirs[k]) doc[k] = true; });
      if (theirs.passed && typeof theirs.scoreRaw === "number") doc.scoreRaw = theirs.scoreRaw;
    }
    /* What start() tells the player, from the launch and the saved state document. */
    function info(resume) {
      return {
        connected: true, mode: L.mode, recording: L.mode === "normal",
        entry: resume ? "resume" : "ab-initio", location: doc.location || "", suspendData: doc.suspendData || "",
        learnerName: L.actor.name || "", passMark: L.passMark, attempt: L.registration || L.activityId,
        status: { completion: doc.completed ? "completed" : "incomplete",
          success: doc.passed ? "passed" : doc.failed ? "failed" : "unknown",
          scoreRaw: typeof doc.scoreRaw === "number" ? doc.scoreRaw : null }
      };
    }

    /* xAPI response formats (as SCORM 2004's): "a[,]b", matching "1[.]a[,]2[.]b", typed text */
    function response(a) {
      if (a.type === "fill-in" || a.type === "numeric") return String(a.responseIds[0]);
      return a.responseIds.map(function (id) { return a.type === "matching" ? id.join("[.]") : id; }).join("[,]");
    }

    return {
      format: C.format,
      limits: { suspend: 64000, location: 1000 }, // a State API document has no SCORM limits
      found: function () { return true; }, // nothing to wait for: the launch URL has it all
      start: function () {
        return launch().then(function (l) {
          L = l;
          L.client.onNewer(function (theirs) {
            absorb(theirs);
            newer.forEach(function (fn) { fn(theirs.suspendData || ""); });
          });
          return L.client.getState(C.stateId, L.activityId, true).then(function (d) {
            doc = d || {};
            var resume = !!doc.suspendData;
            if (L.ended) {
              ended = true; // nothing more may be sent in this session
              return Object.assign(info(resume), { notice: "ended" }); // player.js: catalogue key notice.ended
            }
            if (!L.session.initialized) { // once per session, even across a reload (cmi5 §9.3)
              L.session.initialized = true;
              L.session.startedAt = Date.now();
              L.keepSession();
              send(resume && C.verbs.resumed ? "resumed" : "initialized", L.object);
            }
            return info(resume);
          });
        }, function () { return window.CPD_API.offline(); }); // not launched with an LRS
      },

      /* The bookmark; a page the learner turns to is "experienced" (ADL's SCORM profile). */
      save: function (s) {
        if (!L) return false;
        doc.location = s.location;
        doc.suspendData = s.suspendData;
        if (s.location && s.location !== page && defs.pages[s.location]) {
          page = s.location;
          send("experienced", defs.pages[s.location], null, "allowed");
        }
        return false; // nothing owed: commit() saves the state document
      },
      recordAnswer: function (a) {
        var q = defs.questions[a.id];
        if (!L || !q) return;
        send("answered", q, { response: response(a), success: !!a.correct,
          duration: X.duration(a.latencySeconds) }, "allowed");
      },
      /* r = {id, value}: a self-assessment rating, a likert interaction (activities.py ratings),
         "responded" (ADL's verb for a response that is neither right nor wrong) */
      recordRating: function (r) {
        var def = (defs.ratings || {})[r.id];
        if (!L || !def || ended) return;
        L.client.send({ actor: L.actor, verb: { id: RESPONDED, display: { "en-US": "responded" } }, object: def,
          context: L.context("allowed"), result: { response: String(r.value) } });
      },
      /* r = {completed, passed, final, scorePercent, points, maxPoints}; passed and completed at
         most once per registration, no failed after passed (cmi5 §9.3 rules, kept in xAPI too). */
      setResult: function (r) {
        if (!L) return;
        absorb(L.client.mirrored(C.stateId));
        var scored = r.scorePercent !== null && r.scorePercent !== undefined && r.points !== null;
        if (scored && r.passed === true && !doc.passed) {
          doc.passed = passedNow = true;
          doc.scoreRaw = r.scorePercent;
          pendingFail = null;
          send("passed", L.object, { success: true, score: score(r), duration: X.duration(seconds()) });
        } else if (scored && r.passed === false && !doc.passed) {
          doc.failed = true;
          doc.scoreRaw = r.scorePercent;
          if (C.failedOncePerSession) pendingFail = score(r); // sent at the end of the session
          else send("failed", L.object, { success: false, score: score(r), duration: X.duration(seconds()) });
        }
        if (r.completed && !doc.completed) {
          doc.completed = true;
          send("completed", L.object, { completion: true, duration: X.duration(seconds()) });
        }
        save();
      },
      commit: function () { if (L) save(); return !!L; },
      finish: function (opts) {
        if (!L || ended) return;
        ended = true;
        absorb(L.client.mirrored(C.stateId));
        if (pendingFail && !passedNow && !doc.passed) {
          send("failed", L.object, { success: false, score: pendingFail, duration: X.duration(seconds()) });
        }
        send(C.endVerb(doc, opts || {}), L.object, { duration: X.duration(seconds()) });
        L.session.terminated = true;
        L.keepSession();
        if (L.mode === "normal") L.client.putState(C.stateId, L.activityId, doc, true);
        L.client.flushOnHide();
        // the Exit button: back to the LMS when it gave a return address (cmi5 §10)
        var back = safeURL(L.returnURL);
        if (opts && opts.leave && back) {
          var go = function () { window.location.href = back; };
          Promise.race([L.client.flush(), new Promise(function (ok) { setTimeout(ok, 3000); })]).then(go, go);
        }
      },
      onStatus: function (fn) { if (L) L.client.onStatus(fn); },
      /* fn(suspendData): a newer state of this attempt, saved by another window or device */
      onNewer: function (fn) { newer.push(fn); }
    };
  };
})();
