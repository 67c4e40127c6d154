/* cpd-pack: what the xAPI and cmi5 adapters share. js/lms.js is the activity definitions
 * (window.CPD_XAPI), scorm-api.js, this file, then one adapter. CPD_XAPI_CLIENT.create(opts) gives
 * one LRS connection: requests with the version header, the State API (mirrored in browser
 * storage, the fallback when the LRS has none) and a persistent statement queue that loses and
 * duplicates nothing: in order, one request at a time, retried with back-off on network errors,
 * time-outs and 5xx, never on 400/401/403 (kept aside and reported), flushed with keepalive
 * on page hide. Statement ids are made here, so a resend is idempotent. */
(function () {
  "use strict";
  var C = {
    version: "1.0.3", // X-Experience-API-Version on every request (xAPI 1.0.3 §3.3; cmi5 §2)
    timeoutMs: 15000,
    retryMs: [1000, 2000, 5000, 10000, 30000, 60000],
    batch: 50,
    keepaliveBytes: 60000, // browsers allow 64 KiB of keepalive bodies in flight
    refused: { 400: true, 401: true, 403: true }, // never retried
    done: { 200: true, 204: true, 409: true }, // 409 on a resend: already stored
    noStateApi: { 404: true, 405: true, 501: true }
  };

  function uuid() {
    if (window.crypto && window.crypto.randomUUID) return window.crypto.randomUUID();
    var b = new Uint8Array(16);
    window.crypto.getRandomValues(b);
    b[6] = (b[6] & 15) | 64; b[8] = (b[8] & 63) | 128;
    var h = Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }
  /* ISO 8601 UTC with two fractional digits (never toISOString()'s three, §0.4) */
  function timestamp(d) { return (d || new Date()).toISOString().slice(0, 22) + "Z"; }
  /* ISO 8601 duration PT#H#M#.##S, at most two decimals (xAPI §4.6) */
  function duration(seconds) {
    var cs = Math.max(0, Math.round(seconds * 100)), s = (cs % 6000) / 100;
    return "PT" + Math.floor(cs / 360000) + "H" + (Math.floor(cs / 6000) % 60) + "M" + String(s) + "S";
  }
  /* An actor from the launch: JSON, also the old form with arrays (Rustici's launch examples). */
  function agent(text) {
    var a = JSON.parse(text), first = function (v) { return Array.isArray(v) ? v[0] : v; };
    var out = { objectType: "Agent" };
    if (first(a.name)) out.name = String(first(a.name));
    if (first(a.mbox)) out.mbox = String(first(a.mbox));
    if (first(a.mbox_sha1sum)) out.mbox_sha1sum = String(first(a.mbox_sha1sum));
    if (first(a.openid)) out.openid = String(first(a.openid));
    var acc = first(a.account);
    if (acc) out.account = { homePage: acc.homePage || acc.accountServiceHomePage, name: acc.name || acc.accountName };
    return out;
  }
  function params() {
    var q = {};
    new URLSearchParams(window.location.search).forEach(function (v, k) { q[k] = v; });
    return q;
  }
  function store(area) {
    try { var s = window[area]; s.setItem("cpd-pack.probe", "1"); s.removeItem("cpd-pack.probe"); return s; } catch (e) { return null; }
  }
  var local = store("localStorage"), session = store("sessionStorage"), memory = {};
  function load(key, fallback, where) {
    var s = where || local;
    try { var v = s ? s.getItem(key) : memory[key]; return v ? JSON.parse(v) : fallback; } catch (e) { return fallback; }
  }
  function keep(key, value, where) {
    var s = where || local, text = JSON.stringify(value);
    try { if (s) s.setItem(key, text); else memory[key] = text; } catch (e) { memory[key] = text; }
  }

  /* opts: {endpoint, auth, actor, registration, key (what the queue and mirror are kept under)} */
  function create(opts) {
    var endpoint = opts.endpoint.replace(/\/?$/, "/"), listeners = [];
    var qKey = "cpd-pack.queue." + opts.key, rKey = "cpd-pack.refused." + opts.key;
    var queue = load(qKey, []), refused = load(rKey, []), sending = false, tries = 0, timer = 0, stateApi = true;
    var lastError = "", newer = [];
    /* The ETag of a state document, shared by this browser's windows (so one that has taken
       another's state over does not get a 412 for it). */
    function etag(stateId, value) {
      var k = "cpd-pack.etag." + opts.key + "." + stateId;
      if (value === undefined) return load(k, null);
      keep(k, value || null);
    }

    function request(method, path, o) {
      o = o || {};
      var url = endpoint + path + (o.query ? "?" + new URLSearchParams(o.query).toString() : "");
      var headers = Object.assign({ "X-Experience-API-Version": C.version }, o.headers);
      if (opts.auth) headers.Authorization = opts.auth;
      if (o.body !== undefined) headers["Content-Type"] = "application/json";
      var ctl = window.AbortController && !o.keepalive ? new AbortController() : null;
      var t = ctl ? setTimeout(function () { ctl.abort(); }, C.timeoutMs) : 0;
      return fetch(url, { method: method, headers: headers, body: o.body === undefined ? undefined : JSON.stringify(o.body),
        keepalive: !!o.keepalive, signal: ctl ? ctl.signal : undefined, cache: "no-store", credentials: "omit" })
        .then(function (res) {
          clearTimeout(t);
          return res.text().then(function (text) {
            var json = null;
            try { json = text ? JSON.parse(text) : null; } catch (e) { json = null; }
            return { status: res.status, json: json, etag: res.headers.get("ETag") };
          });
        }, function (err) { clearTimeout(t); return { status: 0, json: null, error: String(err) }; });
    }

    function notify() {
      var info = { waiting: queue.length, refused: refused.length, stateApi: stateApi, error: lastError };
      listeners.forEach(function (fn) { try { fn(info); } catch (e) { /* a listener's own fault */ } });
    }
    function later() {
      if (timer) return;
      var wait = C.retryMs[Math.min(tries, C.retryMs.length - 1)];
      tries += 1;
      timer = setTimeout(function () { timer = 0; flush(); }, wait);
    }
    /* Send the queue in order, one request at a time; resolves when it is empty or stalled. */
    function flush() {
      if (sending || !queue.length) return Promise.resolve(queue.length === 0);
      sending = true;
      var batch = queue.slice(0, tries ? 1 : C.batch); // after a failure, one at a time
      return request("POST", "statements", { body: batch }).then(function (r) {
        sending = false;
        if (C.done[r.status]) {
          queue = queue.slice(batch.length);
          tries = 0;
          lastError = "";
        } else if (C.refused[r.status] && batch.length === 1) {
          refused.push({ status: r.status, reason: r.json, statement: batch[0] });
          queue = queue.slice(1);
          lastError = "The learning record store refused a record (error " + r.status + ").";
          keep(rKey, refused);
        } else if (C.refused[r.status]) {
          tries = Math.max(tries, 1); // find the one it refuses
          keep(qKey, queue);
          return flush();
        } else {
          lastError = r.status ? "The learning record store answered " + r.status + "." : "The learning record store cannot be reached.";
          keep(qKey, queue);
          notify();
          later();
          return false;
        }
        keep(qKey, queue);
        notify();
        return queue.length ? flush() : true;
      });
    }
    function send(statement) {
      statement.id = statement.id || uuid();
      statement.timestamp = statement.timestamp || timestamp();
      queue.push(statement);
      keep(qKey, queue);
      notify();
      return flush();
    }
    /* Page hide: everything still queued, in one keepalive request the browser finishes. */
    function flushOnHide() {
      if (!queue.length) return;
      var batch = [], size = 2;
      for (var i = 0; i < queue.length; i++) {
        var n = JSON.stringify(queue[i]).length + 1;
        if (size + n > C.keepaliveBytes) break;
        batch.push(queue[i]);
        size += n;
      }
      request("POST", "statements", { body: batch, keepalive: true }); // stays queued until confirmed
    }

    /* State API (xAPI Communication §2.3), mirrored in browser storage: the newer copy wins,
       so an LRS outage or an LRS without a State API loses nothing on this device. */
    function stateQuery(stateId, activityId) {
      var q = { stateId: stateId, activityId: activityId, agent: JSON.stringify(opts.actor) };
      if (opts.registration) q.registration = opts.registration;
      return q;
    }
    function getState(stateId, activityId, mirror) {
      var mine = mirror ? load("cpd-pack.state." + opts.key + "." + stateId, null) : null;
      var all = stateQuery("", activityId);
      delete all.stateId;
      // the list of ids first (always 200), so a first launch asks for no missing document
      return request("GET", "activities/state", { query: all }).then(function (r) {
        if (C.noStateApi[r.status]) { stateApi = false; notify(); }
        if (r.status !== 200 || !Array.isArray(r.json) || r.json.indexOf(stateId) < 0) return { status: 404 };
        return request("GET", "activities/state", { query: stateQuery(stateId, activityId) });
      }).then(function (r) {
        var theirs = r.status === 200 && r.json && typeof r.json === "object" ? r.json : null;
        if (theirs) etag(stateId, r.etag);
        if (!mine) return theirs;
        if (!theirs) return mine;
        return (mine.savedAt || 0) > (theirs.savedAt || 0) ? mine : theirs;
      });
    }
    /* One PUT at a time per document, with its ETag (when the LRS gives one) as If-Match: a
       412 then means another window or device saved since this one read or wrote it. Its copy
       goes to onNewer (to merge and save again) instead of being overwritten (xAPI
       Communication §3.1). The last one, on page hide, goes at once. */
    var chain = {}, mine = {}, latest = {};
    function putState(stateId, activityId, doc, keepalive) {
      doc.savedAt = Date.now();
      keep("cpd-pack.state." + opts.key + "." + stateId, doc);
      if (!stateApi) return Promise.resolve(false);
      var query = stateQuery(stateId, activityId), body = JSON.parse(JSON.stringify(doc));
      var version = latest[stateId] = (latest[stateId] || 0) + 1;
      function put(tag) {
        if (latest[stateId] !== version) return Promise.resolve(true); // a newer copy goes instead
        return request("PUT", "activities/state", { query: query, body: body, keepalive: keepalive,
          headers: tag ? { "If-Match": tag } : {} }).then(function (r) {
          if (C.noStateApi[r.status]) { stateApi = false; notify(); }
          if (r.status === 204 || r.status === 200) { etag(stateId, r.etag); mine[body.savedAt] = true; return true; }
          if (r.status !== 412) return false;
          return request("GET", "activities/state", { query: query }).then(function (g) {
            var theirs = g.status === 200 && g.json && typeof g.json === "object" ? g.json : null;
            etag(stateId, g.etag);
            if (theirs && mine[theirs.savedAt]) return put(g.etag); // this window's own, after all
            if (theirs) newer.forEach(function (fn) { try { fn(theirs); } catch (e) { /* its own fault */ } });
            return false;
          });
        });
      }
      if (keepalive) return put(chain[stateId] ? null : etag(stateId));
      var done = (chain[stateId] || Promise.resolve()).then(function () { return put(etag(stateId)); });
      chain[stateId] = done;
      done.then(function () { if (chain[stateId] === done) chain[stateId] = null; });
      return done;
    }
    /* This browser's copy of a state document (the latest any window here saved). */
    function mirrored(stateId) { return load("cpd-pack.state." + opts.key + "." + stateId, null); }

    if (queue.length) setTimeout(flush, 0); // what an earlier visit left unsent goes first
    return {
      request: request, send: send, flush: flush, flushOnHide: flushOnHide, getState: getState, putState: putState,
      mirrored: mirrored, onNewer: function (fn) { newer.push(fn); },
      onStatus: function (fn) { listeners.push(fn); notify(); },
      waiting: function () { return queue.length; }
    };
  }

  /* The page may connect only to the origins of these URLs (index.html allows any https and
     loopback address until the launch says which): a second CSP, before the first request. */
  function connectOnly(urls) {
    var origins = [];
    urls.forEach(function (u) {
      try {
        var o = new URL(u, window.location.href);
        if ((o.protocol === "https:" || o.protocol === "http:") && origins.indexOf(o.origin) < 0) origins.push(o.origin);
      } catch (e) { /* not a URL: nothing to allow */ }
    });
    window.CPD_API.connectOnly(origins);
  }

  window.CPD_XAPI_CLIENT = {
    create: create, connectOnly: connectOnly, uuid: uuid, timestamp: timestamp, duration: duration, agent: agent, params: params,
    load: load, keep: keep, session: session, version: C.version
  };
})();
