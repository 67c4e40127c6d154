/* cpd-pack: what the LMS adapters share; js/lms.js is this file followed by one adapter.
 * CPD_API.session(C) finds and drives one LMS API object described by the adapter's constants
 * table C (apiName, maxHops, fn: {init, finish, get, set, commit}). */
(function () {
  "use strict";
  function findIn(win, name, max) {
    var hops = 0;
    try {
      while (win) {
        if (win[name]) return win[name];
        if (!win.parent || win.parent === win || ++hops > max) return null;
        win = win.parent;
      }
    } catch (e) { /* cross-origin frame: SecurityError ends this chain (pitfall 19) */ }
    return null;
  }
  /* API discovery (standards.md §3.1): the parent chain, then the opener and its parents. */
  function discover(name, max) {
    var api = findIn(window, name, max);
    try { if (!api && window.opener) api = findIn(window.opener, name, max); } catch (e) { /* closed */ }
    return api;
  }

  window.CPD_API = {
    session: function (C) {
      var api = null, live = false, ended = false;
      function call(name, args) { // every API function takes and returns strings (§3.2)
        if (!live) return "";
        try { return String(api[C.fn[name]].apply(api, args)); } catch (e) { return ""; }
      }
      return {
        /* Whether the API can be found now (some LMSs create it after the content loads). */
        found: function () { return !!discover(C.apiName, C.maxHops); },
        open: function () {
          api = discover(C.apiName, C.maxHops);
          try { live = !!api && String(api[C.fn.init]("")) === "true"; } catch (e) { live = false; }
          return live;
        },
        live: function () { return live; },
        get: function (el) { return call("get", [el]); }, // unset elements give ""
        set: function (el, value) { return call("set", [el, String(value)]) === "true"; },
        commit: function () { return call("commit", [""]) === "true"; },
        /* Terminate / LMSFinish exactly once; true when this call ended the session. */
        close: function () {
          if (!live || ended) return false;
          ended = true;
          call("finish", [""]);
          live = false;
          return true;
        }
      };
    },
    pad: function (n, w) { n = String(n); while (n.length < w) n = "0" + n; return n; },
    /* LMSs (Moodle among them) send "Last, First": show "First Last". */
    displayName: function (name) {
      var parts = name.split(",");
      return parts.length === 2 ? (parts[1].trim() + " " + parts[0].trim()).trim() : name.trim();
    },
    /* What start() returns when no LMS is there: the course works and records nothing. */
    offline: function () {
      return { connected: false, recording: false, mode: "normal", entry: "", location: "", suspendData: "",
        learnerName: "", passMark: null, status: { completion: "unknown", success: "unknown", scoreRaw: null } };
    },
    /* Whether this launch may write results: only in normal mode with credit (an LMS that says
       nothing about them means normal and credit, pitfall 11). */
    recording: function (mode, credit) {
      return (mode || "normal") === "normal" && credit !== "no-credit";
    }
  };
})();
