/* cpd-pack player: one single-page course. Talks to the LMS only through window.CPD_LMS
 * (js/lms.js: scorm12, scorm2004 or none). Saved-state format: see src/cpd_pack/state.py.
 * Stable DOM hooks (for tests): section[data-page=<id>] (h1#title-<id>), [data-goto=<id>],
 * [data-seen-for=<id>], [data-action=prev|next|exit|check|submit-quiz|retake-quiz|print],
 * inputs name=q-<qid> / kc-<qid> value=a,b,..|true|false, name=sa-before|after-<sid> value=1..n,
 * textarea[data-reflection=<rid>] + [data-reflection-status=<rid>], #cpd-progress, #cpd-notice,
 * #cpd-quiz-results [data-results-score|verdict|next], #cpd-certificate [data-cert=name|date|hours],
 * #cpd-cert-missing [data-cert-needs], [data-sa-before|after=<sid>], #cpd-exited. */
(function () {
  "use strict";
  const LMS = window.CPD_LMS;
  /* Some LMSs create their API only after the content has loaded (pitfall 18). Inside a frame
     or a window opened by another, wait up to 3 s for it before running without an LMS. */
  function whenReady(start, waited) {
    let framed = true;
    try { framed = window.parent !== window || !!window.opener; } catch (e) { /* cross-origin */ }
    if (LMS.found() || !framed || waited >= 3000) start();
    else setTimeout(() => whenReady(start, waited + 100), 100);
  }
  whenReady(boot, 0);

  function boot() {
  const D = JSON.parse(document.getElementById("cpd-data").textContent);
  const $ = (sel, root) => (root || document).querySelector(sel);
  const $$ = (sel, root) => Array.prototype.slice.call((root || document).querySelectorAll(sel));
  const A64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  const B36 = "0123456789abcdefghijklmnopqrstuvwxyz";
  const QUIZ = D.quiz ? D.quiz.questions : [];
  const N = D.pages.length;
  const unit = (count) => Math.ceil(count / 6);

  /* ---- state (format documented in state.py) ---- */
  const S = {
    seen: D.pages.map(() => false),
    quiz: { state: "0", submits: 0, seed: 0, answers: QUIZ.map((q) => q.options.map(() => false)) },
    done: D.checks.map(() => false),
    checks: D.checks.map((q) => q.options.map(() => false)),
    before: D.statements.map(() => 0),
    after: D.statements.map(() => 0),
    day: 0, // completion date: days since 1970-01-01 (0 = not completed)
    refl: D.reflections.map(() => "")
  };

  function bits(list, width) {
    let out = "";
    for (let i = 0; i < width; i++) {
      let v = 0;
      for (let k = 0; k < 6; k++) if (list[6 * i + k]) v |= 1 << k;
      out += A64[v];
    }
    return out;
  }
  function unbits(text, count) {
    const out = [];
    for (let i = 0; i < count; i++) out.push(!!((Math.max(A64.indexOf(text[i / 6 | 0] || "A"), 0) >> (i % 6)) & 1));
    return out;
  }
  function structural() {
    let quiz = "";
    if (D.quiz) {
      const n = Math.min(S.quiz.submits, 1295);
      const seed = S.quiz.seed;
      quiz = S.quiz.state + B36[n / 36 | 0] + B36[n % 36] + A64[seed & 63] + A64[seed >> 6 & 63] + A64[seed >> 12 & 63] + A64[seed >> 18];
      QUIZ.forEach((q, i) => { quiz += bits(S.quiz.answers[i], unit(q.options.length)); });
    }
    let checks = bits(S.done, unit(D.checks.length));
    D.checks.forEach((q, i) => { checks += bits(S.checks[i], unit(q.options.length)); });
    const day = B36[S.day / 1296 % 36 | 0] + B36[S.day / 36 % 36 | 0] + B36[S.day % 36];
    const rate = (list) => list.map((r) => B36[r]).join("");
    return ["1", D.hash, bits(S.seen, unit(N)), quiz, checks, rate(S.before), rate(S.after), day, ""].join("~");
  }
  function decode(text) {
    const p = (text || "").split("~");
    if (p.length !== 9 || p[0] !== "1" || p[1] !== D.hash) return false;
    S.seen = unbits(p[2], N);
    if (D.quiz && p[3].length >= 7) {
      S.quiz.state = "0fp".indexOf(p[3][0]) >= 0 ? p[3][0] : "0";
      S.quiz.submits = parseInt(p[3].slice(1, 3), 36) || 0;
      S.quiz.seed = p[3].slice(3, 7).split("").reduce((v, c, k) => v | Math.max(A64.indexOf(c), 0) << 6 * k, 0);
      let pos = 7;
      QUIZ.forEach((q, i) => { const w = unit(q.options.length); S.quiz.answers[i] = unbits(p[3].slice(pos, pos + w), q.options.length); pos += w; });
    }
    let pos = unit(D.checks.length);
    S.done = unbits(p[4].slice(0, pos), D.checks.length);
    D.checks.forEach((q, i) => { const w = unit(q.options.length); S.checks[i] = unbits(p[4].slice(pos, pos + w), q.options.length); pos += w; });
    const rates = (t) => D.statements.map((_, i) => Math.min(parseInt(t[i] || "0", 36) || 0, D.scale));
    S.before = rates(p[5]);
    S.after = rates(p[6]);
    S.day = parseInt(p[7], 36) || 0;
    try {
      const r = p[8] ? JSON.parse(window.LZString.decompressFromEncodedURIComponent(p[8])) : [];
      D.reflections.forEach((_, i) => { S.refl[i] = typeof r[i] === "string" ? r[i] : ""; });
    } catch (e) { /* unreadable reflections: start empty */ }
    return true;
  }
  /* Structural state always fits (checked at build time); reflections get the room left.
     When they do not fit, the longest are left out and the learner is told (never silently). */
  function encode() {
    const base = structural();
    const room = LMS.limits.suspend - base.length;
    const texts = S.refl.slice();
    const pack = () => texts.some((t) => t) ? window.LZString.compressToEncodedURIComponent(JSON.stringify(texts)) : "";
    let packed = pack();
    const dropped = {};
    while (packed.length > room) {
      let k = -1;
      texts.forEach((t, i) => { if (t && (k < 0 || t.length > texts[k].length)) k = i; });
      if (k < 0) break;
      dropped[k] = true;
      texts[k] = "";
      packed = pack();
    }
    D.reflections.forEach((r, i) => {
      const msg = dropped[i] ? "This reflection is too long for your learning platform to save. It stays here until " +
        "you leave the course: copy it somewhere safe, or shorten your reflections." : "";
      const el = $('[data-reflection-status="' + r.id + '"]');
      if (el && el.textContent !== msg) el.textContent = msg;
    });
    return base + packed;
  }

  /* ---- LMS reporting (never downgrade what the LMS holds: rules in the brief, §0.2, §0.3) ---- */
  let info = LMS.start({ courseId: D.course.id });
  const held = info.status;
  const passMark = info.passMark !== null ? info.passMark : D.passMark;
  let current = 0, exited = false, reported = null, quizShownAt = Date.now();
  const changedAt = {};

  const seenCount = () => S.seen.filter(Boolean).length;
  const quizPassed = () => S.quiz.state === "p" || held.success === "passed";
  function steps() {
    const pages = D.completion !== "quiz", quiz = D.completion !== "pages";
    return { done: (pages ? seenCount() : 0) + (quiz && quizPassed() ? 1 : 0), total: (pages ? N : 0) + (quiz ? 1 : 0) };
  }
  const ruleHolds = () => { const s = steps(); return s.done === s.total; };
  const completed = () => ruleHolds() || held.completion === "completed";
  const earned = () => completed() && (!D.quiz || quizPassed());

  function save(commit) {
    if (exited) return;
    const st = steps();
    if (earned() && !S.day) S.day = Math.floor(Date.now() / 86400000);
    // progress_measure is 1.0 exactly when the completion rule holds (§1.3)
    // (a completion the LMS already holds counts too: Moodle recomputes completion from it, §4)
    const progress = completed() ? 1 : Math.min(st.done / st.total, 0.9999);
    LMS.save({ location: D.pages[current].id, suspendData: encode(), progress: progress });
    if (commit) LMS.commit();
  }
  function report(scorePercent) {
    const passed = !D.quiz ? null : quizPassed() ? true : S.quiz.state === "f" ? false : null;
    const key = completed() + "/" + passed;
    if (scorePercent === null && key === reported) return;
    reported = key;
    LMS.setResult({ completed: completed(), passed: passed, scorePercent: scorePercent });
  }

  /* ---- navigation and progress ---- */
  function show(i, focus) {
    if (exited || i < 0 || i >= N) return;
    current = i;
    S.seen[i] = true;
    $$(".cpd-page").forEach((s) => { s.hidden = s.getAttribute("data-page") !== D.pages[i].id; });
    $$("[data-goto]").forEach((a) => {
      const id = a.getAttribute("data-goto");
      if (id === D.pages[i].id) a.setAttribute("aria-current", "page"); else a.removeAttribute("aria-current");
    });
    $('[data-action="prev"]').disabled = i === 0;
    $('[data-action="next"]').disabled = i === N - 1;
    $("#cpd-page-count").textContent = "Page " + (i + 1) + " of " + N;
    if (D.pages[i].id === D.quiz_page) quizShownAt = Date.now();
    refresh();
    if (focus) {
      $("#title-" + D.pages[i].id).focus();
      const toc = $("#cpd-toc");
      if (window.matchMedia && window.matchMedia("(max-width: 48em)").matches) toc.open = false;
    }
    report(null);
    save(true);
  }
  function refresh() {
    const n = seenCount(), bar = $("#cpd-progress");
    D.pages.forEach((p, i) => { const m = $('[data-seen-for="' + p.id + '"]'); if (m) m.hidden = !S.seen[i]; });
    bar.setAttribute("aria-valuenow", String(n));
    bar.setAttribute("aria-valuetext", n + " of " + N + " pages seen");
    $(".cpd-progress-bar", bar).style.width = (100 * n / N) + "%";
    $("#cpd-progress-text").textContent = n + " of " + N + " pages seen";
    certificate();
  }

  /* ---- questions (knowledge checks and quiz) ---- */
  function chosen(box, q) { return q.options.map((id) => !!$('input[value="' + id + '"]:checked', box)); }
  function setChosen(box, q, list) { q.options.forEach((id, k) => { $('input[value="' + id + '"]', box).checked = !!list[k]; }); }
  const isRight = (q, list) => q.options.every((id, k) => list[k] === (q.correct.indexOf(id) >= 0));
  function feedback(box, q, list, reveal) {
    const right = isRight(q, list);
    $("[data-verdict]", box).textContent = right ? "Correct." : "Not quite.";
    $$("[data-qfeedback]", box).forEach((f) => { f.hidden = f.getAttribute("data-qfeedback") !== (right ? "correct" : "incorrect"); });
    q.options.forEach((id, k) => {
      const li = $('[data-option="' + id + '"]', box), fb = $("[data-option-feedback]", li), mark = $("[data-answer-mark]", li);
      if (fb) fb.hidden = !(reveal || list[k]);
      const show = reveal && q.correct.indexOf(id) >= 0;
      mark.hidden = !show;
      mark.textContent = show ? "Correct answer" : "";
    });
    box.classList.toggle("is-correct", right);
    box.classList.toggle("is-incorrect", !right);
  }
  function clearFeedback(box) {
    $("[data-verdict]", box).textContent = "";
    $$("[data-qfeedback], [data-option-feedback], [data-answer-mark]", box).forEach((f) => { f.hidden = true; });
    box.classList.remove("is-correct", "is-incorrect");
  }
  function check(i) {
    const q = D.checks[i], box = $('[data-check="' + q.id + '"]'), list = chosen(box, q);
    if (!list.some(Boolean)) { $("[data-verdict]", box).textContent = "Choose an answer first."; return; }
    S.checks[i] = list;
    S.done[i] = true;
    feedback(box, q, list, true);
    save(true);
  }

  function random(seed) { // mulberry32
    return () => {
      seed = (seed + 0x6d2b79f5) | 0;
      let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
  }
  function shuffle() {
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
      const rnd = random(h), list = $('[data-question="' + q.id + '"] .cpd-options'), items = $$("li", list);
      for (let k = items.length - 1; k > 0; k--) { const j = Math.floor(rnd() * (k + 1)); const t = items[k]; items[k] = items[j]; items[j] = t; }
      items.forEach((li) => list.appendChild(li));
    });
  }
  function quizView() {
    const submitted = S.quiz.state !== "0", form = $("#cpd-quiz"), res = $("#cpd-quiz-results");
    if (!form) return;
    $$("input", form).forEach((inp) => { inp.disabled = submitted; });
    $('[data-action="submit-quiz"]').hidden = submitted;
    res.hidden = !submitted;
    QUIZ.forEach((q, i) => {
      const box = $('[data-question="' + q.id + '"]');
      setChosen(box, q, S.quiz.answers[i]);
      if (submitted) feedback(box, q, S.quiz.answers[i], S.quiz.state === "p"); else clearFeedback(box);
    });
    if (!submitted) return;
    const right = QUIZ.filter((q, i) => isRight(q, S.quiz.answers[i])).length;
    const pct = Math.round(10000 * right / QUIZ.length) / 100;
    $("[data-results-score]", res).textContent = "You answered " + right + " of " + QUIZ.length + " questions correctly (" + pct + "%).";
    $("[data-results-verdict]", res).textContent = S.quiz.state === "p"
      ? "You passed. The pass mark is " + passMark + "%."
      : quizPassed() ? "You did not reach the pass mark (" + passMark + "%) this time, but your earlier pass still counts."
        : "You have not passed yet. The pass mark is " + passMark + "%.";
    $("[data-results-next]", res).textContent = S.quiz.state === "p"
      ? (D.certificate_page ? "Your certificate is on the page \u201c" + pageTitle(D.certificate_page) + "\u201d." : "")
      : "Read the feedback below, then retake the quiz when you are ready.";
    $('[data-action="retake-quiz"]', res).hidden = S.quiz.state !== "f";
  }
  const pageTitle = (id) => D.pages.filter((p) => p.id === id)[0].title;
  function submitQuiz() {
    if (S.quiz.state !== "0") return;
    const answers = QUIZ.map((q) => chosen($('[data-question="' + q.id + '"]'), q));
    const missing = QUIZ.filter((q, i) => !answers[i].some(Boolean));
    if (missing.length) {
      $("#cpd-quiz-message").textContent = "Answer every question before submitting (" + missing.length + " not answered yet).";
      $('[data-question="' + missing[0].id + '"] input').focus();
      return;
    }
    $("#cpd-quiz-message").textContent = "";
    S.quiz.answers = answers;
    const now = Date.now();
    let right = 0;
    QUIZ.forEach((q, i) => {
      const ok = isRight(q, answers[i]);
      right += ok ? 1 : 0;
      LMS.recordAnswer({ id: q.id, type: q.type, responseIds: q.options.filter((_, k) => answers[i][k]),
        correctIds: q.correct, correct: ok, latencySeconds: Math.max(0, ((changedAt[q.id] || now) - quizShownAt) / 1000),
        description: q.text });
    });
    const score = 100 * right / QUIZ.length;
    S.quiz.submits += 1;
    S.quiz.state = score + 1e-9 >= passMark ? "p" : "f";
    const passedBefore = held.success === "passed";
    // a lower later score must not replace a pass the LMS already holds
    const keepOld = passedBefore && (S.quiz.state !== "p" || (held.scoreRaw !== null && score < held.scoreRaw));
    report(keepOld ? null : Math.round(score * 100) / 100);
    refresh();
    save(true);
    quizView();
    $("#cpd-quiz-results").focus();
  }
  function retake() {
    if (S.quiz.state !== "f") return;
    S.quiz.state = "0";
    S.quiz.answers = QUIZ.map((q) => q.options.map(() => false));
    quizShownAt = Date.now();
    quizView();
    save(true);
    const first = $("#cpd-quiz input");
    if (first) first.focus();
  }

  /* ---- self-assessment, reflections, certificate ---- */
  function ratingLabel(sid, n) { const l = $('label[for="sa-before-' + sid + '-' + n + '"]'); return n && l ? l.textContent : "Not rated"; }
  function ratings() {
    D.statements.forEach((sid, i) => {
      ["before", "after"].forEach((phase) => {
        const v = S[phase][i], inp = v && $('input[name="sa-' + phase + "-" + sid + '"][value="' + v + '"]');
        if (inp) inp.checked = true;
        const cell = $("[data-sa-" + phase + '="' + sid + '"]');
        if (cell) cell.textContent = ratingLabel(sid, v);
      });
    });
  }
  function certificate() {
    const box = $("#cpd-certificate");
    if (!box) return;
    const ok = earned();
    box.hidden = !ok;
    $("#cpd-cert-missing").hidden = ok;
    if (ok) {
      $('[data-cert="name"]').textContent = info.learnerName || "Learner";
      const day = S.day || Math.floor(Date.now() / 86400000);
      $('[data-cert="date"]').textContent = new Date(day * 86400000).toLocaleDateString(D.course.language,
        { year: "numeric", month: "long", day: "numeric", timeZone: "UTC" });
      return;
    }
    const needs = [];
    if (D.completion !== "quiz" && seenCount() < N && held.completion !== "completed") needs.push("Visit every page (" + seenCount() + " of " + N + " seen so far).");
    if (D.quiz && !quizPassed()) needs.push("Pass the final quiz (pass mark " + passMark + "%).");
    const ul = $("[data-cert-needs]");
    ul.textContent = "";
    needs.forEach((t) => { const li = document.createElement("li"); li.textContent = t; ul.appendChild(li); });
  }
  function exit() {
    if (exited) return;
    report(null);
    save(false);
    exited = true;
    LMS.finish({ suspend: true, leave: true });
    if (!info.connected) {
      $("[data-exit-message]").textContent = "No learning platform was found, so your progress was not recorded. You can close this window.";
    }
    $$(".cpd-page").forEach((s) => { s.hidden = s.id !== "cpd-exited"; });
    $("#cpd-pager").hidden = true;
    $(".cpd-nav").hidden = true;
    $("#cpd-exited-title").focus();
  }

  /* ---- wiring ---- */
  document.addEventListener("click", (ev) => {
    const goto = ev.target.closest("[data-goto]");
    if (goto) { ev.preventDefault(); show(D.pages.map((p) => p.id).indexOf(goto.getAttribute("data-goto")), true); return; }
    const btn = ev.target.closest("[data-action]");
    if (!btn) return;
    const act = btn.getAttribute("data-action");
    if (act === "next") show(current + 1, true);
    else if (act === "prev") show(current - 1, true);
    else if (act === "exit") exit();
    else if (act === "check") check(D.checks.map((q) => q.id).indexOf(btn.getAttribute("data-question")));
    else if (act === "retake-quiz") retake();
    else if (act === "print") window.print();
  });
  const form = $("#cpd-quiz");
  if (form) form.addEventListener("submit", (ev) => { ev.preventDefault(); submitQuiz(); });
  document.addEventListener("change", (ev) => {
    const t = ev.target, name = t.name || "";
    const m = /^sa-(before|after)-(.+)$/.exec(name);
    if (m) { S[m[1]][D.statements.indexOf(m[2])] = parseInt(t.value, 10) || 0; ratings(); save(false); }
    if (name.indexOf("q-") === 0) {
      const qi = QUIZ.map((q) => q.id).indexOf(name.slice(2));
      changedAt[name.slice(2)] = Date.now();
      // keep answers not yet submitted, so a resumed attempt gets them back (state.py QUIZ)
      if (qi >= 0 && S.quiz.state === "0") { S.quiz.answers[qi] = chosen(t.closest("[data-question]"), QUIZ[qi]); save(false); }
    }
    const r = t.getAttribute("data-reflection");
    if (r) { S.refl[D.reflections.map((x) => x.id).indexOf(r)] = t.value; save(true); } // on blur
  });
  document.addEventListener("input", (ev) => {
    const r = ev.target.getAttribute && ev.target.getAttribute("data-reflection");
    if (r) S.refl[D.reflections.map((x) => x.id).indexOf(r)] = ev.target.value;
  });
  // Never unload/beforeunload (pitfall 4); pagehide ends the session once, hidden commits.
  window.addEventListener("pagehide", () => { if (!exited) { report(null); save(false); exited = true; LMS.finish({ suspend: true }); } });
  document.addEventListener("visibilitychange", () => { if (document.visibilityState === "hidden") save(true); });

  /* ---- launch ---- */
  if (!info.connected) $("#cpd-notice").textContent = "Progress is not being recorded.";
  if (window.matchMedia && window.matchMedia("(max-width: 48em)").matches) $("#cpd-toc").open = false;
  const restored = (info.entry === "resume" || info.entry === "") && decode(info.suspendData);
  shuffle();
  D.checks.forEach((q, i) => {
    const box = $('[data-check="' + q.id + '"]');
    setChosen(box, q, S.checks[i]);
    if (S.done[i]) feedback(box, q, S.checks[i], true);
  });
  D.reflections.forEach((r, i) => { const el = $('[data-reflection="' + r.id + '"]'); if (el) el.value = S.refl[i]; });
  ratings();
  quizView();
  const at = restored ? D.pages.map((p) => p.id).indexOf(info.location) : -1;
  show(at >= 0 ? at : 0, false);
  }
})();
