/* cpd-pack: what the LMS adapters share; js/lms.js is this file followed by one adapter.
 * CPD_API.session(C) finds and drives one LMS API object described by the adapter's constants
 * table C (apiName, maxHops, fn: {init, finish, get, set, commit, error}, codes: {retry, over,
 * already}). */
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
  /* Elements that must reach the LMS in order: the interactions (each one's fields in order,
     and one after another: their indexes must be sequential). */
  function group(el) { return el.indexOf("cmi.interactions.") === 0 ? "cmi.interactions." : el; }

  window.CPD_API = {
    /* One LMS session. A value the LMS fails to take (SetValue or Commit "false", an error
       code, an exception) is sent again at the next save or commit, in order, and reported
       through onStatus ({waiting, refused, ended, error, lms: true}) until the LMS takes it.
       Values it will never take (a data model error) are dropped and counted as refused. When
       it says the session is over (terminated, not initialized), nothing more is sent. */
    session: function (C) {
      var api = null, live = false, ended = false, over = false, failedInit = false;
      var queue = [], commitDue = false, refused = 0, lastError = "", listeners = [];
      function call(name, args) { // every API function takes and returns strings (§3.2)
        if (!live) return "";
        try { return String(api[C.fn[name]].apply(api, args)); } catch (e) { return ""; }
      }
      function code() {
        try { return String(api[C.fn.error]()); } catch (e) { return ""; }
      }
      function status() {
        return { waiting: queue.length + (commitDue ? 1 : 0), refused: refused, ended: over, error: lastError,
          stateApi: true, lms: true };
      }
      function notify() {
        var st = status();
        listeners.forEach(function (fn) { try { fn(st); } catch (e) { /* a listener's own fault */ } });
      }
      /* After a failed call: keep trying (a transient error), give up on the value, or stop. */
      function failed(c) {
        lastError = c || "none";
        if (C.codes.over[c]) { over = true; live = false; queue = []; commitDue = false; return "over"; }
        return C.codes.retry[c] || c === "" || c === "0" ? "retry" : "refused";
      }
      /* Send what is queued, in order; interaction fields wait behind a failed one. */
      function resend() {
        if (!live || !queue.length) return;
        var waiting = queue, blocked = {};
        queue = [];
        waiting.forEach(function (item) {
          if (!live) return;
          if (blocked[group(item[0])] || call("set", item) !== "true") {
            var why = blocked[group(item[0])] ? "retry" : failed(code());
            if (why === "retry") { queue.push(item); blocked[group(item[0])] = true; } else if (why === "refused") refused += 1;
          }
        });
      }
      return {
        /* Whether the API can be found now (some LMSs create it after the content loads). */
        found: function () { return !!discover(C.apiName, C.maxHops); },
        open: function () {
          api = discover(C.apiName, C.maxHops);
          if (!api || live) return live;
          var ok;
          try { ok = String(api[C.fn.init]("")) === "true"; } catch (e) { ok = false; }
          // 2004: "already initialized" means the session is open (a reload in the same frame)
          live = ok || (!!C.codes.already && code() === C.codes.already);
          failedInit = !live;
          return live;
        },
        /* Whether Initialize itself failed (the API is there): worth trying again later. */
        failedInit: function () { return failedInit; },
        live: function () { return live; },
        get: function (el) { return call("get", [el]); }, // unset elements give ""
        /* SetValue; true when the LMS took it. A value still waiting for the same element is
           replaced; an interaction field waits behind any interaction field still waiting. */
        set: function (el, value) {
          var item = [el, String(value)], before = queue.length;
          queue = queue.filter(function (q) { return q[0] !== el; });
          if (!live) return false;
          var waits = queue.some(function (q) { return group(q[0]) === group(el); });
          if (!waits && call("set", item) === "true") { if (before !== queue.length) notify(); return true; }
          var why = waits ? "retry" : failed(code());
          if (why === "retry") queue.push(item); else if (why === "refused") refused += 1;
          notify();
          return false;
        },
        resend: function () { var n = queue.length; resend(); if (n !== queue.length) notify(); },
        /* Whether a commit failed and is owed at the next event. */
        due: function () { return commitDue || queue.length > 0; },
        /* Commit (after sending again what failed); true when everything has been taken. */
        commit: function () {
          resend();
          if (!live) { notify(); return false; }
          var ok = call("commit", [""]) === "true";
          if (!ok) failed(code());
          commitDue = live && !ok;
          notify();
          return ok && !queue.length;
        },
        onStatus: function (fn) { listeners.push(fn); fn(status()); },
        /* Terminate / LMSFinish exactly once; true when the LMS took it and everything before. */
        close: function () {
          if (!live || ended) return false;
          resend();
          ended = true;
          var ok = call("finish", [""]) === "true";
          live = false;
          return ok && !queue.length;
        }
      };
    },
    pad: function (n, w) { n = String(n); while (n.length < w) n = "0" + n; return n; },
    /* LMSs (Moodle among them) send "Last, First": show "First Last". */
    displayName: function (name) {
      var parts = name.split(",");
      return parts.length === 2 ? (parts[1].trim() + " " + parts[0].trim()).trim() : name.trim();
    },
    /* What start() returns when no LMS is there: the course works and records nothing.
       retry: an LMS may still answer later (its API came late, or Initialize failed). */
    offline: function (retry) {
      return { connected: false, recording: false, mode: "normal", entry: "", location: "", suspendData: "",
        learnerName: "", passMark: null, status: { completion: "unknown", success: "unknown", scoreRaw: null },
        retry: !!retry };
    },
    /* Whether this launch may write results: only in normal mode with credit (an LMS that says
       nothing about them means normal and credit, pitfall 11). */
    recording: function (mode, credit) {
      return (mode || "normal") === "normal" && credit !== "no-credit";
    },
    /* A second Content-Security-Policy can only tighten the page's own (index.html): the page
       may connect only to these origins ("'none'" when there are none), before any request. */
    connectOnly: function (sources) {
      try {
        var meta = document.createElement("meta");
        meta.httpEquiv = "Content-Security-Policy";
        meta.content = "connect-src " + (sources.length ? sources.join(" ") : "'none'");
        document.head.appendChild(meta);
      } catch (e) { /* no document (unit tests) */ }
    }
  };
})();
