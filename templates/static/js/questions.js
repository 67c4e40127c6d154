/* cpd-pack player, question types and pools. Loaded before js/quiz.js; sets
 * window.CPD_QUESTIONS. Pure functions over the data island D and the question markup of
 * templates/_questions.html:
 * - draw(quiz, seed, attempt): the bank indexes one attempt shows, in order (src/cpd_pack/pools.py
 *   mirrors it: the same seed and attempt always give the same questions, so a resumed attempt
 *   needs nothing more in the saved state, and a retake draws anew);
 * - for matching, sequencing, fill-in and numeric questions (custom(q) is true): read the answer
 *   from the page, paint it back, say whether it is answered and right, mark it (the learner's
 *   own answer always; the key only when revealed), and describe it for the LMS adapters
 *   (record: responseIds/correctIds; matching as [item, match] pairs, fill-in's correctIds the
 *   accepted answers, numeric's [min, max]).
 * Answers: matching, per item the index of the chosen match (-1: none); sequencing, per position
 * the index of the chosen item (-1: none); fill-in and numeric, the typed text. */
(function () {
  "use strict";
  var CUSTOM = { matching: 1, sequencing: 1, "fill-in": 1, numeric: 1 };
  var $ = function (sel, el) { return (el || document).querySelector(sel); };
  var $$ = function (sel, el) { return Array.prototype.slice.call((el || document).querySelectorAll(sel)); };
  var imul = Math.imul;

  function random(seed) { // mulberry32, as quiz.js and pools.py
    return function () {
      seed = (seed + 0x6d2b79f5) | 0;
      var t = imul(seed ^ (seed >>> 15), 1 | seed);
      t = (t + imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
  }
  function attemptSeed(seed, attempt) { return imul(imul((seed ^ 0x9e3779b9) >>> 0, 16777619) ^ attempt, 16777619) >>> 0; }

  /* quiz = D.quiz: {questions, draw, perTopic: [[topic, n]...], shuffle}. */
  function draw(quiz, seed, attempt) {
    var rnd = random(attemptSeed(seed, attempt)), qs = quiz.questions;
    var pick = function (pool, count) {
      pool = pool.slice();
      for (var k = 0; k < count; k++) {
        var j = k + Math.floor(rnd() * (pool.length - k)), t = pool[k];
        pool[k] = pool[j];
        pool[j] = t;
      }
      return pool.slice(0, count);
    };
    var every = qs.map(function (_, i) { return i; }), chosen;
    if (quiz.perTopic && quiz.perTopic.length) {
      chosen = [];
      quiz.perTopic.forEach(function (tn) {
        chosen = chosen.concat(pick(every.filter(function (i) { return qs[i].topic === tn[0]; }), tn[1]));
      });
    } else if (quiz.draw && quiz.draw < qs.length) chosen = pick(every, quiz.draw);
    else chosen = every;
    chosen.sort(function (a, b) { return a - b; }); // in bank order; quiz.shuffle is for options
    var groups = {}, order = []; // a scenario's questions stay together, where its first one falls
    chosen.forEach(function (i) {
      var sid = qs[i].scenario;
      if (!sid) order.push([i]);
      else if (groups[sid]) groups[sid].push(i);
      else order.push(groups[sid] = [i]);
    });
    return [].concat.apply([], order);
  }

  var custom = function (q) { return !!CUSTOM[q.type]; };
  var picks = function (q) { return q.type === "matching" ? q.matches : q.items; };
  var selects = function (el) { return $$("select[data-slot]", el); };
  var field = function (el) { return $("input[data-typed]", el); };
  var trim = function (t) { return String(t || "").replace(/^\s+|\s+$/g, "").replace(/\s+/g, " "); };
  /* The number typed, as a CMIDecimal string ("2,5" reads as 2.5), or "" when it is none. */
  function number(text) {
    var t = trim(text).replace(",", ".");
    return /^-?(\d+(\.\d*)?|\.\d+)$/.test(t) ? String(parseFloat(t)) : "";
  }

  function read(el, q) {
    if (q.type === "fill-in" || q.type === "numeric") return field(el).value;
    return selects(el).map(function (s) { return picks(q).indexOf(s.value); });
  }
  function paint(el, q, a) {
    if (q.type === "fill-in" || q.type === "numeric") { field(el).value = a || ""; return; }
    selects(el).forEach(function (s, i) { s.value = a && a[i] >= 0 ? picks(q)[a[i]] : ""; });
  }
  function answered(q, a) {
    if (q.type === "fill-in") return !!trim(a);
    if (q.type === "numeric") return !!number(a);
    return !!a && a.length > 0 && a.every(function (v) { return v >= 0; });
  }
  function isRight(q, a) {
    if (!answered(q, a)) return false;
    if (q.type === "fill-in") {
      var fold = function (t) { return q.caseSensitive ? trim(t) : trim(t).toLocaleLowerCase(); };
      return q.accept.some(function (t) { return fold(t) === fold(a); });
    }
    if (q.type === "numeric") { var n = parseFloat(number(a)); return n >= q.min && n <= q.max; }
    return q.correct.every(function (id, i) { return picks(q)[a[i]] === id; });
  }
  /* What the LMS adapters record (see the header). */
  function record(q, a) {
    if (q.type === "fill-in") return { responseIds: [trim(a)], correctIds: q.accept, caseSensitive: !!q.caseSensitive };
    if (q.type === "numeric") return { responseIds: [number(a)], correctIds: [q.min, q.max] };
    var chosen = a.map(function (v) { return v >= 0 ? picks(q)[v] : ""; });
    if (q.type === "matching") {
      return { responseIds: q.items.map(function (id, i) { return [id, chosen[i]]; }),
        correctIds: q.items.map(function (id, i) { return [id, q.correct[i]]; }) };
    }
    return { responseIds: chosen, correctIds: q.correct };
  }
  /* The learner's answer is always marked right or wrong row by row; the key (the correct match,
     item or answer, and the feedback) only when reveal is true. T: the catalogue. */
  function mark(el, q, a, reveal, T) {
    var right = isRight(q, a), key = $("[data-answer-key]", el);
    $("[data-verdict]", el).textContent = T(right ? "question.correct" : "question.incorrect");
    $$("[data-qfeedback]", el).forEach(function (f) { f.hidden = !reveal || f.getAttribute("data-qfeedback") !== (right ? "correct" : "incorrect"); });
    selects(el).forEach(function (s, i) {
      var row = s.closest("[data-row]"), m = $("[data-answer-mark]", row), ok = picks(q)[a[i]] === q.correct[i];
      row.classList.toggle("is-chosen", true);
      row.classList.toggle("is-key", reveal && ok);
      m.hidden = !reveal || ok;
      m.textContent = reveal && !ok ? T("question.correct_is", { answer: $('option[value="' + q.correct[i] + '"]', s).textContent }) : "";
    });
    if (key) {
      key.hidden = !reveal;
      key.textContent = !reveal ? "" : q.type === "fill-in" ? T("question.accepted", { answer: q.accept.join(" / ") })
        : T(q.min === q.max ? "question.exact" : "question.range", { min: q.min, max: q.max });
    }
    el.classList.toggle("is-correct", right);
    el.classList.toggle("is-incorrect", !right);
  }
  function clear(el) {
    $("[data-verdict]", el).textContent = "";
    $$("[data-qfeedback], [data-answer-mark], [data-answer-key]", el).forEach(function (f) { f.hidden = true; });
    $$("[data-row]", el).forEach(function (row) { row.classList.remove("is-chosen", "is-key"); });
    el.classList.remove("is-correct", "is-incorrect");
  }
  /* A question whose answer typed so far cannot be read (numeric: not a number). */
  function problem(q, a) { return q.type === "numeric" && trim(a) && !number(a) ? "question.not_a_number" : ""; }

  window.CPD_QUESTIONS = { random: random, attemptSeed: attemptSeed, draw: draw, custom: custom, read: read, paint: paint,
    answered: answered, isRight: isRight, record: record, mark: mark, clear: clear, problem: problem, number: number };
})();
