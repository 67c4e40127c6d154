/* cpd-pack saved state: the suspend_data codec, the same format as src/cpd_pack/state.py
 * (read its docstring for every field). Pure functions over the course data D; sets
 * window.CPD_STATE = {create, structural, decode, reflections}. */
(function () {
  "use strict";
  var VERSION = "2", FIELDS = 12;
  var A64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  var B36 = "0123456789abcdefghijklmnopqrstuvwxyz";
  var unit = function (count) { return Math.ceil(count / 6); };
  var falses = function (n) { var out = []; for (var i = 0; i < n; i++) out.push(false); return out; };
  var options = function (q) { return q.options.length; };
  /* One answer, by question type (state.py encode_answer): option flags (choice types), picked
     indexes, -1 for none (matching: per item; sequencing: per position), or typed text
     (fill-in, numeric: UTF-8 bytes, zero-padded, base64url). */
  var CHOICE = { single: 1, multiple: 1, "true-false": 1 }, TEXT = { "fill-in": 30, numeric: 12 };
  function width(q) { return CHOICE[q.type] ? unit(options(q)) : TEXT[q.type] ? TEXT[q.type] * 4 / 3 : q.items.length; }
  function blank(q) {
    if (CHOICE[q.type]) return falses(options(q));
    return TEXT[q.type] ? "" : q.items.map(function () { return -1; });
  }
  function utf8(text, max) { // the UTF-8 bytes of text (a binary string), never a character cut
    var out = "";
    for (var ch of String(text || "")) {
      var b;
      try { b = unescape(encodeURIComponent(ch)); } catch (e) { continue; } // a lone surrogate
      if (out.length + b.length > max) break;
      out += b;
    }
    return out;
  }
  function encode(q, a) {
    if (CHOICE[q.type]) return bits(a || [], width(q));
    if (!TEXT[q.type]) return q.items.map(function (_, i) { var v = a && a[i] >= 0 ? a[i] + 1 : 0; return A64[v] || "A"; }).join("");
    var b = utf8(a, TEXT[q.type]), out = "";
    while (b.length < TEXT[q.type]) b += "\u0000";
    for (var i = 0; i < b.length; i += 3) {
      var n = b.charCodeAt(i) << 16 | b.charCodeAt(i + 1) << 8 | b.charCodeAt(i + 2);
      out += A64[n >> 18 & 63] + A64[n >> 12 & 63] + A64[n >> 6 & 63] + A64[n & 63];
    }
    return out;
  }
  function decode1(q, text) {
    if (CHOICE[q.type]) return unbits(text, options(q));
    var w = width(q), t = (text || "").slice(0, w);
    while (t.length < w) t += "A";
    if (!TEXT[q.type]) return q.items.map(function (_, i) { var v = Math.max(A64.indexOf(t[i]), 0) - 1; return v < q.items.length ? v : -1; });
    var b = "";
    for (var i = 0; i < w; i += 4) {
      var n = 0;
      for (var k = 0; k < 4; k++) n = n << 6 | Math.max(A64.indexOf(t[i + k]), 0);
      b += String.fromCharCode(n >> 16 & 255, n >> 8 & 255, n & 255);
    }
    try { return decodeURIComponent(escape(b.replace(/\u0000+$/, ""))); } catch (e) { return ""; }
  }

  function bits(list, width) {
    var out = "";
    for (var i = 0; i < width; i++) {
      var v = 0;
      for (var k = 0; k < 6; k++) if (list[6 * i + k]) v |= 1 << k;
      out += A64[v];
    }
    return out;
  }
  function unbits(text, count) {
    var out = [];
    for (var i = 0; i < count; i++) out.push(!!((Math.max(A64.indexOf(text[i / 6 | 0] || "A"), 0) >> (i % 6)) & 1));
    return out;
  }
  function b36(value, width) {
    var out = "";
    for (var i = 0; i < width; i++) { out = B36[value % 36] + out; value = Math.floor(value / 36); }
    return out;
  }
  var unb36 = function (text) { return parseInt(text || "0", 36) || 0; };

  /* A fresh state for course data D. */
  function create(D) {
    var quiz = D.quiz ? D.quiz.questions : [];
    return {
      seq: 0, // save counter: suspend_data differs from its launch value after every save
      page: 0, // where the learner is (the saved state wins over a stale LMS location)
      seen: falses(D.pages.length),
      quiz: { state: "0", submits: 0, seed: 0, answers: quiz.map(blank) },
      done: falses(D.checks.length),
      checks: D.checks.map(function (q) { return falses(options(q)); }),
      before: D.statements.map(function () { return 0; }),
      after: D.statements.map(function () { return 0; }),
      day: 0, // completion date: days since 1970-01-01 (0 = not completed)
      lost: falses(D.reflections.length), // reflections the LMS had no room for
      refl: D.reflections.map(function () { return ""; })
    };
  }

  /* Every field but the reflection texts: fixed width, checked against SCORM 1.2 at build. */
  function structural(S, D) {
    var quiz = "";
    if (D.quiz) {
      var n = Math.min(S.quiz.submits, 1295), seed = S.quiz.seed;
      quiz = S.quiz.state + b36(n, 2) + A64[seed & 63] + A64[seed >> 6 & 63] + A64[seed >> 12 & 63] + A64[seed >> 18];
      D.quiz.questions.forEach(function (q, i) { quiz += encode(q, S.quiz.answers[i]); });
    }
    var checks = bits(S.done, unit(D.checks.length));
    D.checks.forEach(function (q, i) { checks += bits(S.checks[i], unit(options(q))); });
    var rate = function (list) { return list.map(function (r) { return B36[r]; }).join(""); };
    return [VERSION, D.hash, b36(S.seq % 46656, 3), b36(S.page, 3), bits(S.seen, unit(D.pages.length)), quiz,
      checks, rate(S.before), rate(S.after), b36(S.day, 3), bits(S.lost, unit(D.reflections.length)), ""].join("~");
  }

  /* The state saved in text, or null when it is for another format or course structure. */
  function decode(text, D) {
    var p = (text || "").split("~");
    if (p.length !== FIELDS || p[0] !== VERSION || p[1] !== D.hash) return null;
    var S = create(D);
    S.seq = unb36(p[2]);
    S.page = Math.min(unb36(p[3]), D.pages.length - 1);
    S.seen = unbits(p[4], D.pages.length);
    if (D.quiz && p[5].length >= 7) {
      S.quiz.state = "0fp".indexOf(p[5][0]) >= 0 ? p[5][0] : "0";
      S.quiz.submits = unb36(p[5].slice(1, 3));
      S.quiz.seed = p[5].slice(3, 7).split("").reduce(function (v, c, k) { return v | Math.max(A64.indexOf(c), 0) << 6 * k; }, 0);
      var at = 7;
      D.quiz.questions.forEach(function (q, i) {
        var w = width(q);
        S.quiz.answers[i] = decode1(q, p[5].slice(at, at + w));
        at += w;
      });
    }
    var pos = unit(D.checks.length);
    S.done = unbits(p[6].slice(0, pos), D.checks.length);
    D.checks.forEach(function (q, i) { var w = unit(options(q)); S.checks[i] = unbits(p[6].slice(pos, pos + w), options(q)); pos += w; });
    var rates = function (t) { return D.statements.map(function (_, i) { return Math.min(unb36(t[i]), D.scale); }); };
    S.before = rates(p[7]);
    S.after = rates(p[8]);
    S.day = unb36(p[9]);
    S.lost = unbits(p[10], D.reflections.length);
    try {
      var r = p[11] ? JSON.parse(window.LZString.decompressFromEncodedURIComponent(p[11])) : [];
      D.reflections.forEach(function (_, i) { S.refl[i] = typeof r[i] === "string" ? r[i] : ""; });
    } catch (e) { /* unreadable reflections: start empty */ }
    return S;
  }

  /* The reflections field for texts (empty strings for those left out). */
  function reflections(texts) {
    return texts.some(function (t) { return t; }) ? window.LZString.compressToEncodedURIComponent(JSON.stringify(texts)) : "";
  }

  window.CPD_STATE = { create: create, structural: structural, decode: decode, reflections: reflections,
    answer: { width: width, blank: blank, encode: encode, decode: decode1 } };
})();
