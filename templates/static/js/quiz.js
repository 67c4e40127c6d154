/* cpd-pack player, questions: knowledge checks and the final quiz. Loaded before js/player.js,
 * which calls window.CPD_QUIZ(P) with its context P (data D, text T, state P.S, save, report,
 * refresh, show ...). Hooks: .cpd-option.is-chosen / .is-key, [data-chosen-mark] ("Your answer"),
 * [data-answer-mark] ("Correct answer"), .cpd-question.is-unanswered (inputs aria-invalid),
 * #cpd-quiz-message [data-unanswered-list], #cpd-quiz-results [data-results-wrong]. */
window.CPD_QUIZ = function (P) {
  "use strict";
  const D = P.D, T = P.T, fmt = P.fmt, pct = P.pct, $ = P.$, $$ = P.$$, BANK = P.QUIZ;
  const H = window.CPD_QUESTIONS, blank = window.CPD_STATE.answer.blank;
  const changedAt = {}, tried = {};
  let shownAt = Date.now(), QUIZ = BANK.slice(); // the questions of this attempt (js/questions.js draw)
  const bank = (q) => BANK.indexOf(q); // answers are kept per bank question (state.py QUIZ)

  const box = (q) => $('[data-question="' + q.id + '"]');
  function chosen(el, q) { return H.custom(q) ? H.read(el, q) : q.options.map((id) => !!$('input[value="' + id + '"]:checked', el)); }
  function setChosen(el, q, list) {
    if (H.custom(q)) H.paint(el, q, list);
    else q.options.forEach((id, k) => { $('input[value="' + id + '"]', el).checked = !!list[k]; });
  }
  const isRight = (q, list) => H.custom(q) ? H.isRight(q, list) : q.options.every((id, k) => list[k] === (q.correct.indexOf(id) >= 0));
  const answered = (q, list) => H.custom(q) ? H.answered(q, list) : list.some(Boolean);
  const rightCount = (answers) => QUIZ.filter((q) => isRight(q, answers[bank(q)])).length;
  const percent = (answers) => Math.round(10000 * rightCount(answers) / QUIZ.length) / 100;
  const number = (q) => T("quiz.question_link", { n: fmt(QUIZ.indexOf(q) + 1) });

  /* The learner's own choices are always marked; the key (correct answers, per-option and
     question feedback) only when reveal is true. */
  function feedback(el, q, list, reveal) {
    if (H.custom(q)) { H.mark(el, q, list, reveal, T); return; }
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
    H.clear(el);
  }

  /* ---- knowledge checks: a wrong answer gets another try (tries, from the course) before the
     answer is shown; the chosen option is marked each time. The wrong try is saved (the check's
     answer, not yet done), so a reload shows it and does not give the tries back; the state
     format holds no count, so after a reload one try counts as used, whatever tries says. ---- */
  function tryAgain(el, q, list, left) {
    clearFeedback(el);
    feedback(el, q, list, false);
    $("[data-verdict]", el).textContent = T("check.try_again", { n: left });
  }
  function check(i) {
    const q = D.checks[i], el = $('[data-check="' + q.id + '"]'), list = chosen(el, q);
    if (!list.some(Boolean)) { $("[data-verdict]", el).textContent = T("question.choose_first"); return; }
    tried[i] = (tried[i] || 0) + 1;
    const left = (q.tries || 1) - tried[i];
    P.S.checks[i] = list;
    if (!isRight(q, list) && left > 0) {
      tryAgain(el, q, list, left);
      P.save(false);
      return;
    }
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
      const el = $('[data-check="' + q.id + '"]'), list = P.S.checks[i];
      setChosen(el, q, list);
      if (P.S.done[i]) feedback(el, q, list, true);
      else if ((q.tries || 1) > 1 && list.some(Boolean) && !isRight(q, list)) { // a wrong try saved before a reload
        tried[i] = Math.max(tried[i] || 0, 1);
        tryAgain(el, q, list, (q.tries || 1) - tried[i]);
      } else clearFeedback(el);
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
  /* The attempt on show: the one being answered, or after a submit the one submitted. */
  const attempt = () => P.S.quiz.state === "0" ? P.S.quiz.submits : Math.max(0, P.S.quiz.submits - 1);
  /* Draw this attempt's questions (the same for the same seed and attempt: nothing more is saved),
     put them and their scenarios in order, number them, then shuffle each one's options. */
  function shuffle() {
    const S = P.S, form = $("#cpd-quiz");
    if (!D.quiz || !form) return;
    const pooled = D.quiz.draw < BANK.length;
    if (!S.quiz.seed && (D.quiz.shuffle || pooled)) {
      const a = new Uint32Array(1);
      if (window.crypto && window.crypto.getRandomValues) window.crypto.getRandomValues(a); else a[0] = Math.random() * 4294967296;
      S.quiz.seed = (a[0] & 0xffffff) || 1;
    }
    QUIZ = H.draw(D.quiz, S.quiz.seed, attempt()).map((i) => BANK[i]);
    const end = $("#cpd-quiz-message"), placed = {};
    BANK.forEach((q) => { box(q).hidden = QUIZ.indexOf(q) < 0; });
    $$("[data-scenario]", form).forEach((s) => { s.hidden = true; });
    QUIZ.forEach((q, n) => {
      const sc = q.scenario && !placed[q.scenario] && $('[data-scenario="' + q.scenario + '"]', form);
      if (sc) { placed[q.scenario] = true; sc.hidden = false; form.insertBefore(sc, end); }
      form.insertBefore(box(q), end);
      const num = $(".cpd-qnum", box(q));
      if (num) num.textContent = T("question.number", { n: fmt(n + 1), total: fmt(QUIZ.length) });
    });
    if (!D.quiz.shuffle) return;
    QUIZ.forEach((q) => {
      if (q.type === "true-false" || H.custom(q)) return;
      let h = S.quiz.seed ^ Math.imul(attempt(), 0x9e3779b1); // options in a new order every attempt
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
  /* What the learner sees of a submitted attempt (quiz.feedback): score, questions or full. */
  function level() {
    const S = P.S, policy = D.quiz.feedback || { afterFail: "questions", afterPass: "full", afterLast: "full" };
    return S.quiz.state === "p" ? policy.afterPass : P.attemptsLeft() ? policy.afterFail : policy.afterLast;
  }
  function quizView() {
    const S = P.S, submitted = locked(), form = $("#cpd-quiz"), res = $("#cpd-quiz-results");
    if (!form) return;
    const passed = S.quiz.state === "p", shows = submitted ? level() : "";
    // answered controls stay readable: aria-disabled (clicks are refused in js/player.js), typed ones read-only
    $$("input, select", form).forEach((inp) => { if (submitted) inp.setAttribute("aria-disabled", "true"); else inp.removeAttribute("aria-disabled"); });
    $$("input[data-typed]", form).forEach((inp) => { inp.readOnly = submitted; });
    form.classList.toggle("is-submitted", submitted);
    $('[data-action="submit-quiz"]').hidden = submitted;
    res.hidden = !submitted;
    QUIZ.forEach((q) => {
      const el = box(q), a = S.quiz.answers[bank(q)];
      setChosen(el, q, a);
      unanswered(el, false);
      if (shows === "questions" || shows === "full") feedback(el, q, a, shows === "full"); else clearFeedback(el);
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
    const wrong = shows === "score" ? [] : QUIZ.filter((q) => !isRight(q, S.quiz.answers[bank(q)]));
    $("[data-results-wrong-text]", res).textContent = wrong.length ? T("quiz.wrong_list", { n: wrong.length }) : "";
    links($("[data-results-wrong]", res), wrong);
    const next = $("[data-results-next]", res);
    if (passed && D.certificate_page) withLink(next, "quiz.certificate_at", P.pageTitle(D.certificate_page), D.certificate_page);
    else if (shows === "score") next.textContent = passed || left === 0 ? "" : T("quiz.retake_when_ready");
    else next.textContent = passed ? "" : T(left === 0 ? "quiz.read_feedback" : "quiz.read_feedback_retake");
    $('[data-action="retake-quiz"]', res).hidden = S.quiz.state !== "f" || !P.attemptsLeft();
  }
  function unanswered(el, on, why) {
    el.classList.toggle("is-unanswered", on);
    $$("input, select", el).forEach((inp) => { if (on) inp.setAttribute("aria-invalid", "true"); else inp.removeAttribute("aria-invalid"); });
    if (on) $("[data-verdict]", el).textContent = T(why || "quiz.not_answered");
    else if (!locked()) $("[data-verdict]", el).textContent = "";
  }
  /* The message sits above the submit button, where the learner is, and names each question. */
  function missingMessage(answers, focus) {
    const missing = QUIZ.filter((q) => !answered(q, answers[bank(q)])), msg = $("#cpd-quiz-message");
    QUIZ.forEach((q) => { const a = answers[bank(q)]; unanswered(box(q), !answered(q, a), H.custom(q) && H.problem(q, a)); });
    $("[data-unanswered-text]", msg).textContent = missing.length ? T("quiz.unanswered", { n: missing.length }) : "";
    links($("[data-unanswered-list]", msg), missing);
    if (focus && missing.length) { msg.focus({ preventScroll: true }); msg.scrollIntoView({ block: "center" }); }
    return missing.length;
  }
  function submitQuiz() {
    const S = P.S;
    if (locked()) return;
    const answers = S.quiz.answers.slice();
    QUIZ.forEach((q) => { answers[bank(q)] = chosen(box(q), q); });
    if (missingMessage(answers, true)) return;
    S.quiz.answers = answers;
    const now = Date.now();
    QUIZ.forEach((q, i) => {
      const a = answers[bank(q)], ok = isRight(q, a);
      const ids = H.custom(q) ? H.record(q, a) : { responseIds: q.options.filter((_, k) => a[k]), correctIds: q.correct };
      if (P.recording) P.LMS.recordAnswer(Object.assign({ id: q.id, type: q.type, index: i, total: QUIZ.length, correct: ok,
        latencySeconds: Math.max(0, ((changedAt[q.id] || now) - shownAt) / 1000), description: q.text }, ids));
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
    S.quiz.answers = BANK.map(blank);
    shownAt = Date.now();
    shuffle(); // the next attempt: a new draw and order
    quizView();
    P.save(true);
    const first = $("#cpd-quiz [data-question]:not([hidden]) input, #cpd-quiz [data-question]:not([hidden]) select");
    if (first) first.focus();
  }
  /* An answer changed (change event on q-<id>): kept for a resumed attempt; marks cleared. */
  function changed(input) {
    const id = input.name.slice(2), qi = BANK.map((q) => q.id).indexOf(id);
    changedAt[id] = Date.now();
    if (qi < 0) return;
    if (locked()) { setChosen(box(BANK[qi]), BANK[qi], P.S.quiz.answers[qi]); return; } // a submitted answer stays
    P.S.quiz.answers[qi] = chosen(input.closest("[data-question]"), BANK[qi]);
    if ($("[data-unanswered-text]").textContent) {
      const now = P.S.quiz.answers.slice();
      QUIZ.forEach((q) => { now[bank(q)] = chosen(box(q), q); });
      missingMessage(now, false);
    }
    P.save(false);
  }
  /* A link to a question: scroll to it and put focus on its first answer. */
  function toQuestion(id) {
    const el = $("#q-box-" + id) || $("#kc-box-" + id), inp = el && $("input, select", el);
    if (!el) return;
    el.scrollIntoView({ block: "start" });
    if (inp) inp.focus({ preventScroll: true });
  }
  return { isRight, rightCount, percent, check, checkChanged, paintChecks, shuffle, quizView, submitQuiz, retake, changed, toQuestion,
    locked, shown: () => { shownAt = Date.now(); }, total: () => QUIZ.length };
};
