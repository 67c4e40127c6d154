/* cpd-pack player, questions: knowledge checks and the final quiz. Loaded before js/player.js,
 * which calls window.CPD_QUIZ(P) with its context P (data D, text T, state P.S, save, report,
 * refresh, show ...). Hooks: .cpd-option.is-chosen / .is-key, [data-chosen-mark] ("Your answer"),
 * [data-answer-mark] ("Correct answer"), .cpd-question.is-unanswered (inputs aria-invalid),
 * #cpd-quiz-message [data-unanswered-list], #cpd-quiz-results [data-results-wrong]. */
window.CPD_QUIZ = function (P) {
  "use strict";
  const D = P.D, T = P.T, fmt = P.fmt, pct = P.pct, $ = P.$, $$ = P.$$, QUIZ = P.QUIZ;
  const changedAt = {}, tried = {};
  let shownAt = Date.now();

  const box = (q) => $('[data-question="' + q.id + '"]');
  function chosen(el, q) { return q.options.map((id) => !!$('input[value="' + id + '"]:checked', el)); }
  function setChosen(el, q, list) { q.options.forEach((id, k) => { $('input[value="' + id + '"]', el).checked = !!list[k]; }); }
  const isRight = (q, list) => q.options.every((id, k) => list[k] === (q.correct.indexOf(id) >= 0));
  const rightCount = (answers) => QUIZ.filter((q, i) => isRight(q, answers[i])).length;
  const percent = (answers) => Math.round(10000 * rightCount(answers) / QUIZ.length) / 100;
  const number = (q) => T("quiz.question_link", { n: fmt(QUIZ.indexOf(q) + 1) });

  /* The learner's own choices are always marked; the key (correct answers, per-option and
     question feedback) only when reveal is true. */
  function feedback(el, q, list, reveal) {
    const right = isRight(q, list);
    $("[data-verdict]", el).textContent = T(right ? "question.correct" : "question.incorrect");
    $$("[data-qfeedback]", el).forEach((f) => { f.hidden = !reveal || f.getAttribute("data-qfeedback") !== (right ? "correct" : "incorrect"); });
    q.options.forEach((id, k) => {
      const li = $('[data-option="' + id + '"]', el), fb = $("[data-option-feedback]", li);
      const key = reveal && q.correct.indexOf(id) >= 0;
      if (fb) fb.hidden = !reveal;
      mark(li, "[data-answer-mark]", "is-key", key, "question.correct_answer");
      mark(li, "[data-chosen-mark]", "is-chosen", !!list[k], "question.your_answer");
    });
    el.classList.toggle("is-correct", right);
    el.classList.toggle("is-incorrect", !right);
  }
  function mark(li, sel, cls, on, key) {
    const m = $(sel, li);
    li.classList.toggle(cls, on);
    if (!m) return;
    m.hidden = !on;
    m.textContent = on ? T(key) : "";
  }
  function clearFeedback(el) {
    $("[data-verdict]", el).textContent = "";
    $$("[data-qfeedback], [data-option-feedback], [data-answer-mark], [data-chosen-mark]", el).forEach((f) => { f.hidden = true; });
    $$(".cpd-option", el).forEach((li) => { li.classList.remove("is-chosen", "is-key"); });
    el.classList.remove("is-correct", "is-incorrect");
  }

  /* ---- knowledge checks: a wrong answer gets another try (tries, from the course) before the
     answer is shown; the chosen option is marked each time. ---- */
  function check(i) {
    const q = D.checks[i], el = $('[data-check="' + q.id + '"]'), list = chosen(el, q);
    if (!list.some(Boolean)) { $("[data-verdict]", el).textContent = T("question.choose_first"); return; }
    tried[i] = (tried[i] || 0) + 1;
    const left = (q.tries || 1) - tried[i];
    if (!isRight(q, list) && left > 0) {
      clearFeedback(el);
      feedback(el, q, list, false);
      $("[data-verdict]", el).textContent = T("check.try_again", { n: left });
      return;
    }
    P.S.checks[i] = list;
    P.S.done[i] = true;
    feedback(el, q, list, true);
    P.save(true);
  }
  /* A new choice after a wrong try: the old marks and message go. */
  function checkChanged(input) {
    const i = D.checks.map((q) => q.id).indexOf(input.name.slice(3));
    if (i >= 0 && !P.S.done[i]) clearFeedback($('[data-check="' + D.checks[i].id + '"]'));
  }
  function paintChecks() {
    D.checks.forEach((q, i) => {
      const el = $('[data-check="' + q.id + '"]');
      setChosen(el, q, P.S.checks[i]);
      if (P.S.done[i]) feedback(el, q, P.S.checks[i], true); else clearFeedback(el);
    });
  }

  /* ---- the final quiz ---- */
  function random(seed) { // mulberry32
    return () => {
      seed = (seed + 0x6d2b79f5) | 0;
      let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
  }
  function shuffle() {
    const S = P.S;
    if (!D.quiz || !D.quiz.shuffle) return;
    if (!S.quiz.seed) {
      const a = new Uint32Array(1);
      if (window.crypto && window.crypto.getRandomValues) window.crypto.getRandomValues(a); else a[0] = Math.random() * 4294967296;
      S.quiz.seed = (a[0] & 0xffffff) || 1;
    }
    QUIZ.forEach((q) => {
      if (q.type === "true-false") return;
      let h = S.quiz.seed;
      for (let c = 0; c < q.id.length; c++) h = Math.imul(h ^ q.id.charCodeAt(c), 16777619);
      const rnd = random(h), list = $(".cpd-options", box(q)), at = (li) => q.options.indexOf(li.getAttribute("data-option"));
      const items = $$("li", list).sort((a, b) => at(a) - at(b)); // from source order, so it can run again
      for (let k = items.length - 1; k > 0; k--) { const j = Math.floor(rnd() * (k + 1)); const t = items[k]; items[k] = items[j]; items[j] = t; }
      items.forEach((li) => list.appendChild(li));
    });
  }
  /* A list of links to questions (what is unanswered, what was wrong). */
  function links(ul, qs) {
    ul.textContent = "";
    qs.forEach((q) => {
      const li = document.createElement("li"), a = document.createElement("a");
      a.href = "#q-box-" + q.id;
      a.setAttribute("data-to-question", q.id);
      a.textContent = number(q);
      li.appendChild(a);
      ul.appendChild(li);
    });
    ul.hidden = !qs.length;
  }
  /* Text with one link in place of {title} (the catalogue keeps the sentence whole). */
  function withLink(el, key, title, pageId) {
    const parts = T(key, { title: "\u0000" }).split("\u0000"), a = document.createElement("a");
    a.href = "#page-" + pageId;
    a.setAttribute("data-goto", pageId);
    a.textContent = title;
    el.textContent = "";
    el.append(parts[0], a, parts[1] || "");
  }
  const locked = () => P.S.quiz.state !== "0";
  function quizView() {
    const S = P.S, submitted = locked(), form = $("#cpd-quiz"), res = $("#cpd-quiz-results");
    if (!form) return;
    const passed = S.quiz.state === "p", last = S.quiz.state === "f" && !P.attemptsLeft();
    // answered controls stay readable: aria-disabled (clicks are refused in js/player.js)
    $$("input", form).forEach((inp) => { if (submitted) inp.setAttribute("aria-disabled", "true"); else inp.removeAttribute("aria-disabled"); });
    form.classList.toggle("is-submitted", submitted);
    $('[data-action="submit-quiz"]').hidden = submitted;
    res.hidden = !submitted;
    QUIZ.forEach((q, i) => {
      const el = box(q);
      setChosen(el, q, S.quiz.answers[i]);
      unanswered(el, false);
      if (submitted) feedback(el, q, S.quiz.answers[i], passed || last); else clearFeedback(el);
    });
    if (!submitted) return;
    const right = rightCount(S.quiz.answers), max = P.maxAttempts;
    $("[data-results-score]", res).textContent = T("quiz.score", { right: fmt(right), total: fmt(QUIZ.length),
      percent: pct(percent(S.quiz.answers)) });
    const left = max ? max - S.quiz.submits : -1;
    $("[data-results-verdict]", res).textContent = passed
      ? T("quiz.passed", { mark: pct(P.passMark) })
      : T("quiz.not_passed", { mark: pct(P.passMark) }) +
        (left === 0 ? T("quiz.no_attempts_left", { n: max }) : left > 0 ? T("quiz.attempts_left", { n: fmt(left) }) : "");
    const wrong = QUIZ.filter((q, i) => !isRight(q, S.quiz.answers[i]));
    $("[data-results-wrong-text]", res).textContent = wrong.length ? T("quiz.wrong_list", { n: wrong.length }) : "";
    links($("[data-results-wrong]", res), wrong);
    const next = $("[data-results-next]", res);
    if (passed && D.certificate_page) withLink(next, "quiz.certificate_at", P.pageTitle(D.certificate_page), D.certificate_page);
    else next.textContent = passed ? "" : T(left === 0 ? "quiz.read_feedback" : "quiz.read_feedback_retake");
    $('[data-action="retake-quiz"]', res).hidden = S.quiz.state !== "f" || !P.attemptsLeft();
  }
  function unanswered(el, on) {
    el.classList.toggle("is-unanswered", on);
    $$("input", el).forEach((inp) => { if (on) inp.setAttribute("aria-invalid", "true"); else inp.removeAttribute("aria-invalid"); });
    if (on) $("[data-verdict]", el).textContent = T("quiz.not_answered");
    else if (!locked()) $("[data-verdict]", el).textContent = "";
  }
  /* The message sits above the submit button, where the learner is, and names each question. */
  function missingMessage(answers, focus) {
    const missing = QUIZ.filter((q, i) => !answers[i].some(Boolean)), msg = $("#cpd-quiz-message");
    QUIZ.forEach((q, i) => { unanswered(box(q), !answers[i].some(Boolean)); });
    $("[data-unanswered-text]", msg).textContent = missing.length ? T("quiz.unanswered", { n: missing.length }) : "";
    links($("[data-unanswered-list]", msg), missing);
    if (focus && missing.length) { msg.focus({ preventScroll: true }); msg.scrollIntoView({ block: "center" }); }
    return missing.length;
  }
  function submitQuiz() {
    const S = P.S;
    if (locked()) return;
    const answers = QUIZ.map((q) => chosen(box(q), q));
    if (missingMessage(answers, true)) return;
    S.quiz.answers = answers;
    const now = Date.now();
    QUIZ.forEach((q, i) => {
      const ok = isRight(q, answers[i]);
      if (P.recording) P.LMS.recordAnswer({ id: q.id, type: q.type, index: i, total: QUIZ.length, responseIds: q.options.filter((_, k) => answers[i][k]),
        correctIds: q.correct, correct: ok, latencySeconds: Math.max(0, ((changedAt[q.id] || now) - shownAt) / 1000),
        description: q.text });
    });
    S.quiz.submits += 1;
    S.quiz.state = percent(answers) + 1e-9 >= P.passMark ? "p" : "f";
    P.report();
    P.refresh();
    P.save(true);
    quizView();
    $("#cpd-quiz-results").focus();
  }
  function retake() {
    const S = P.S;
    if (S.quiz.state !== "f" || !P.attemptsLeft()) return;
    S.quiz.state = "0";
    S.quiz.answers = QUIZ.map((q) => q.options.map(() => false));
    shownAt = Date.now();
    quizView();
    P.save(true);
    const first = $("#cpd-quiz input");
    if (first) first.focus();
  }
  /* An answer changed (change event on q-<id>): kept for a resumed attempt; marks cleared. */
  function changed(input) {
    const id = input.name.slice(2), qi = QUIZ.map((q) => q.id).indexOf(id);
    changedAt[id] = Date.now();
    if (qi < 0 || locked()) return;
    P.S.quiz.answers[qi] = chosen(input.closest("[data-question]"), QUIZ[qi]);
    if ($("[data-unanswered-text]").textContent) missingMessage(QUIZ.map((q) => chosen(box(q), q)), false);
    P.save(false);
  }
  /* A link to a question: scroll to it and put focus on its first answer. */
  function toQuestion(id) {
    const el = $("#q-box-" + id) || $("#kc-box-" + id), inp = el && $("input", el);
    if (!el) return;
    el.scrollIntoView({ block: "start" });
    if (inp) inp.focus({ preventScroll: true });
  }
  return { isRight, rightCount, percent, check, checkChanged, paintChecks, shuffle, quizView, submitQuiz, retake, changed, toQuestion,
    locked, shown: () => { shownAt = Date.now(); } };
};
