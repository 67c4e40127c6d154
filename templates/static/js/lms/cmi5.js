/* cpd-pack LMS adapter: cmi5 (Quartz; standards.md §6). The launch sequence exactly: POST the
 * fetch URL once for the token (kept for this session, so a reload does not fetch again), read
 * LMS.LaunchData (its masteryScore, launchMode, moveOn, returnURL and contextTemplate win over the
 * course's) and the cmi5LearnerPreferences agent profile, then initialized -> (answered,
 * experienced: cmi5 allowed, no cmi5 category) -> completed -> passed/failed -> terminated.
 * Sets window.CPD_LMS (interface: see xapi-adapter.js). */
(function () {
  "use strict";
  var X = window.CPD_XAPI_CLIENT, ADL = "http://adlnet.gov/expapi/verbs/", CMI5 = "https://w3id.org/xapi/cmi5/";
  var C = {
    format: "cmi5",
    stateId: "https://w3id.org/xapi/cpd-pack/state/v1", // the AU's own state (xapi-adapter.js)
    verbs: { initialized: ADL + "initialized", experienced: ADL + "experienced", answered: ADL + "answered",
      passed: ADL + "passed", failed: ADL + "failed", completed: ADL + "completed", terminated: ADL + "terminated" },
    category: { cmi5: CMI5 + "context/categories/cmi5", moveon: CMI5 + "context/categories/moveon" },
    // verbs whose statements are cmi5 defined (§9.3); those with a result that decides moveOn
    defined: { initialized: 1, completed: 1, passed: 1, failed: 1, terminated: 1 },
    moveOn: { completed: 1, passed: 1, failed: 1 },
    masteryExtension: CMI5 + "context/extensions/masteryscore",
    launchData: "LMS.LaunchData",
    preferences: "cmi5LearnerPreferences",
    modes: { Normal: "normal", Browse: "browse", Review: "review" },
    failedOncePerSession: true, // at most one passed or failed per session (§9.3.0.0-3)
    endVerb: function () { return "terminated"; }
  };

  function token(q) {
    var key = "cpd-pack.cmi5." + q.fetch, kept = X.load(key, null, X.session);
    if (kept && kept.token) return Promise.resolve(kept);
    return fetch(q.fetch, { method: "POST", cache: "no-store", credentials: "omit" })
      .then(function (r) { return r.json(); })
      .then(function (j) {
        if (!j || !j["auth-token"]) throw new Error("cmi5 fetch: " + (j && j["error-text"] || "no token"));
        var s = { token: j["auth-token"], initialized: false, terminated: false, startedAt: Date.now() };
        X.keep(key, s, X.session);
        return s;
      });
  }

  function launch() {
    var q = X.params();
    var launched = q.endpoint && q.fetch && q.actor && q.registration && q.activityId;
    X.connectOnly(launched ? [q.endpoint, q.fetch] : []); // the LRS and the fetch URL only (a second CSP)
    if (!launched) {
      return Promise.reject(new Error("no cmi5 launch parameters"));
    }
    var actor = X.agent(q.actor);
    return token(q).then(function (session) {
      var client = X.create({ endpoint: q.endpoint, auth: "Basic " + session.token, actor: actor,
        registration: q.registration, key: [q.registration, q.activityId].join("|") });
      var agent = JSON.stringify(actor);
      var launchData = client.request("GET", "activities/state", { query: { stateId: C.launchData,
        activityId: q.activityId, agent: agent, registration: q.registration } });
      var prefs = client.request("GET", "agents/profile", { query: { agent: agent, profileId: C.preferences } });
      return Promise.all([launchData, prefs]).then(function (got) {
        var data = got[0].json;
        if (got[0].status !== 200 || !data || !data.contextTemplate) throw new Error("cmi5: no LMS.LaunchData");
        var mastery = typeof data.masteryScore === "number" ? data.masteryScore : null;
        var object = { objectType: "Activity", id: q.activityId };
        return {
          client: client, actor: actor, registration: q.registration, activityId: q.activityId, object: object,
          // a reload after terminated (sent when the page was hidden): the session is over (§9.3)
          ended: !!session.terminated,
          mode: session.terminated ? "review" : C.modes[data.launchMode] || "normal", passMark: mastery === null ? null : Math.round(mastery * 10000) / 100,
          returnURL: data.returnURL || "", session: session,
          keepSession: function () { X.keep("cpd-pack.cmi5." + q.fetch, session, X.session); },
          /* The LMS's contextTemplate, never overwritten (§9.6.2), plus what each statement needs. */
          context: function (kind) {
            var ctx = JSON.parse(JSON.stringify(data.contextTemplate));
            var acts = ctx.contextActivities = ctx.contextActivities || {};
            ctx.registration = q.registration;
            if (C.defined[kind]) {
              acts.category = (acts.category || []).concat([{ id: C.category.cmi5 }]);
              if (C.moveOn[kind]) acts.category.push({ id: C.category.moveon });
            } else {
              acts.parent = (acts.parent || []).concat([{ id: q.activityId, objectType: "Activity" }]);
            }
            if ((kind === "passed" || kind === "failed") && mastery !== null) {
              ctx.extensions = ctx.extensions || {};
              ctx.extensions[C.masteryExtension] = mastery;
            }
            return ctx;
          }
        };
      });
    });
  }
  window.CPD_LMS = window.CPD_XAPI_ADAPTER(C, launch);
})();
