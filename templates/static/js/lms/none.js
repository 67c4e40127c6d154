/* cpd-pack LMS adapter: no LMS (opened from disk, previewed). The course works; its progress is
 * kept in this browser's storage (localStorage, keyed by course id and structure hash, so a
 * changed course starts afresh), and a reload carries on. Without storage nothing is kept.
 * Sets window.CPD_LMS. */
(function () {
  "use strict";
  function nothing() { return false; }
  let key = "";
  function storage() { try { return window.localStorage; } catch (e) { return null; } }
  window.CPD_API.connectOnly([]); // nothing to connect to
  window.CPD_LMS = {
    format: "none",
    limits: { suspend: 64000, location: 1000 },
    found: function () { return true; }, // nothing to wait for
    start: function (opts) {
      const off = window.CPD_API.offline(), store = storage();
      if (!store || !opts || !opts.hash) return Promise.resolve(off);
      key = "cpd-pack.progress|" + opts.courseId + "|" + opts.hash;
      let saved = null;
      try { saved = JSON.parse(store.getItem(key)); store.setItem(key + "|probe", "1"); store.removeItem(key + "|probe"); } catch (e) {
        return Promise.resolve(off); // storage refused (private mode, full)
      }
      // notice "local": player.js shows the catalogue entry "notice.local"
      return Promise.resolve(Object.assign(off, { connected: true, recording: true, notice: "local",
        entry: saved ? "resume" : "ab-initio", location: saved ? saved.location : "", suspendData: saved ? saved.suspendData : "" }));
    },
    save: function (d) {
      try { storage().setItem(key, JSON.stringify({ location: d.location, suspendData: d.suspendData })); } catch (e) { /* full */ }
      return false;
    },
    recordAnswer: nothing, setResult: nothing, commit: nothing, onStatus: nothing,
    finish: function () { return !!key; }
  };
})();
