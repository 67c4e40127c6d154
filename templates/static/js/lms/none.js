/* cpd-pack LMS adapter: no LMS. The course works; nothing is recorded. Sets window.CPD_LMS. */
(function () {
  "use strict";
  function nothing() { return false; }
  window.CPD_API.connectOnly([]); // nothing to connect to
  window.CPD_LMS = {
    format: "none",
    limits: { suspend: 64000, location: 1000 },
    found: function () { return true; }, // nothing to wait for
    start: function () { return Promise.resolve(window.CPD_API.offline()); },
    save: nothing, recordAnswer: nothing, setResult: nothing, commit: nothing, finish: nothing, onStatus: nothing
  };
})();
