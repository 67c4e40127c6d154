/* cpd-pack LMS adapter: xAPI with the Rustici launch convention (tincan.xml; standards.md §5).
 * Launch parameters: endpoint, auth (a whole Authorization value), actor (JSON, also the old
 * array form), registration, activity_id; anything else is ignored. Statements follow ADL's xAPI
 * profile for SCORM-like content. Sets window.CPD_LMS (interface: see xapi-adapter.js). */
(function () {
  "use strict";
  var X = window.CPD_XAPI_CLIENT, ADL = "http://adlnet.gov/expapi/verbs/";
  var C = {
    format: "xapi",
    stateId: "https://w3id.org/xapi/cpd-pack/state/v1", // the saved state (xapi-adapter.js)
    verbs: { initialized: ADL + "initialized", resumed: ADL + "resumed", experienced: ADL + "experienced",
      answered: ADL + "answered", passed: ADL + "passed", failed: ADL + "failed", completed: ADL + "completed",
      suspended: ADL + "suspended", terminated: ADL + "terminated" },
    profile: "https://w3id.org/xapi/scorm", // category: ADL's SCORM profile
    failedOncePerSession: false, // every failed attempt is reported
    // leaving before the course is complete suspends the attempt; after, ends it
    endVerb: function (doc) { return doc.completed ? "terminated" : "suspended"; }
  };

  function launch() {
    var q = X.params();
    X.connectOnly(q.endpoint && q.actor ? [q.endpoint] : []); // the LRS only (a second CSP)
    if (!q.endpoint || !q.actor) return Promise.reject(new Error("no xAPI launch parameters"));
    var actor = X.agent(q.actor), course = window.CPD_XAPI.course;
    // the LMS may name the course activity itself (activity_id); the definition stays ours
    var object = { objectType: "Activity", id: q.activity_id || course.id, definition: course.definition };
    var key = [q.endpoint, q.registration || "", JSON.stringify(actor), object.id].join("|");
    var session = { initialized: false, startedAt: Date.now() };
    return Promise.resolve({
      client: X.create({ endpoint: q.endpoint, auth: q.auth || "", actor: actor, registration: q.registration, key: key }),
      actor: actor, registration: q.registration, activityId: object.id, object: object,
      mode: "normal", passMark: null, returnURL: "", session: session, keepSession: function () {},
      context: function (kind) {
        var ctx = { contextActivities: { category: [{ id: C.profile, objectType: "Activity" }] } };
        if (kind === "allowed") ctx.contextActivities.parent = [{ id: object.id, objectType: "Activity" }];
        if (q.grouping) ctx.contextActivities.grouping = [{ id: q.grouping, objectType: "Activity" }];
        if (q.registration) ctx.registration = q.registration;
        return ctx;
      }
    });
  }
  window.CPD_LMS = window.CPD_XAPI_ADAPTER(C, launch);
})();
