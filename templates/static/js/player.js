/* cpd-pack player: one single-page course. Talks to the LMS only through window.CPD_LMS
 * (js/lms.js: scorm12, scorm2004 or none). Saved-state codec: js/state.js (format in
 * src/cpd_pack/state.py).
 * Stable DOM hooks (for tests): section[data-page=<id>] (h1#title-<id>), [data-goto=<id>],
 * [data-seen-for=<id>], [data-action=prev|next|exit|check|submit-quiz|retake-quiz|print],
 * inputs name=q-<qid> / kc-<qid> value=a,b,..|true|false, name=sa-before|after-<sid> value=1..n,
 * textarea[data-reflection=<rid>] + [data-reflection-status=<rid>], #cpd-progress, #cpd-notice,
 * #cpd-quiz-results [data-results-score|verdict|next], #cpd-certificate [data-cert=name|date|hours],
 * #cpd-cert-missing [data-cert-needs], [data-sa-before|after=<sid>], #cpd-exited [data-exit-message],
 * #cpd-lost [data-lost-text] [data-lost-list] (reflections the LMS had no room for),
 * [data-action=download-reflections|dismiss-lost].
 * Split along its seams: js/contents.js (page on view, contents list), js/quiz.js (knowledge
 * checks, quiz) and js/reflections.js (ratings, reflections) are loaded before this file and get
 * its context P; this file keeps the state, LMS reporting, navigation, exit, wiring and launch. */
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
  const D = JSON.parse(document.getElementById("cpd-data").textContent);
  /* Interface text from the course language's catalogue (src/cpd_pack/messages/): T(key, {name})
     fills {name}; a count-dependent entry picks its form with Intl.PluralRules ({n} is the count). */
  const LANG = D.course.language;
  function T(key, params) {
    let e = D.messages[key];
    if (e && typeof e === "object") {
      const n = params.n;
      let cat = "other";
      try { cat = new Intl.PluralRules(LANG).select(n); } catch (err) { /* unknown tag */ }
      e = e[cat] !== undefined ? e[cat] : e.other;
    }
    return String(e).replace(/\{([a-z_]+)\}/g, (m, k) => (params && params[k] !== undefined ? String(params[k]) : m));
  }
  function fmt(x) { try { return new Intl.NumberFormat(LANG, { maximumFractionDigits: 2 }).format(x); } catch (err) { return String(x); } }
  function pct(x) { try { return new Intl.NumberFormat(LANG, { style: "percent", maximumFractionDigits: 2 }).format(x / 100); } catch (err) { return x + "%"; } }
  /* Every adapter's start() is asynchronous (xAPI and cmi5 fetch a token and state first). */
  whenReady(() => {
    let started;
    try { started = Promise.resolve(LMS.start({ courseId: D.course.id })); } catch (e) { started = Promise.reject(e); }
    started.catch(() => window.CPD_API.offline()).then(run);
  }, 0);

  function run(info) {
  const $ = (sel, root) => (root || document).querySelector(sel);
  const $$ = (sel, root) => Array.prototype.slice.call((root || document).querySelectorAll(sel));
  const QUIZ = D.quiz ? D.quiz.questions : [];
  const N = D.pages.length;
  const ST = window.CPD_STATE;
  let S = ST.create(D); // format: state.js and src/cpd_pack/state.py
  const P = { D: D, T: T, fmt: fmt, pct: pct, $: $, $$: $$, QUIZ: QUIZ, LMS: LMS, get S() { return S; },
    get recording() { return recording; }, get passMark() { return passMark; }, get maxAttempts() { return maxAttempts; },
    attemptsLeft: () => attemptsLeft(), save: save, report: report, refresh: refresh,
    pageTitle: (id) => D.pages.filter((p) => p.id === id)[0].title };
  const Q = window.CPD_QUIZ(P), R = window.CPD_REFLECTIONS(P), C = window.CPD_CONTENTS(P);

  /* Structural state always fits (checked at build time); reflections get the room left.
     When they do not fit, the longest are left out (the one being written last) and the learner
     is told at once, where they are (never silently). */
  function encode(editing) {
    S.seq = (S.seq + 1) % 46656;
    const texts = S.refl.slice(), dropped = texts.map(() => false);
    // a reflection lost before stays marked until the learner writes it again
    const lost = () => S.refl.map((t, i) => dropped[i] || (S.lost[i] && !t));
    let base = ST.structural(Object.assign({}, S, { lost: lost() }), D), packed = ST.reflections(texts);
    while (packed.length > LMS.limits.suspend - base.length) {
      let k = -1;
      texts.forEach((t, i) => { if (t && (k < 0 || (i !== editing && (k === editing || t.length > texts[k].length)))) k = i; });
      if (k < 0) break;
      dropped[k] = true;
      texts[k] = "";
      packed = ST.reflections(texts);
      base = ST.structural(Object.assign({}, S, { lost: lost() }), D);
    }
    const fresh = dropped.map((d, i) => d && !S.lost[i]);
    S.lost = lost();
    dirty = {};
    R.status();
    if (fresh.some(Boolean)) R.lostNotice(fresh, true);
    return base + packed;
  }

  /* ---- LMS reporting (never downgrade what the LMS holds: rules in the brief, §0.2, §0.3) ---- */
  let held, recording, passMark, dirty = {}; // dirty: reflections changed here since the last save
  function adopt(launch) { // at start, and when an LMS that did not answer at first does
    info = launch;
    held = info.status;
    // review or browse mode, or no credit: show everything, write nothing (standards.md §11.12)
    recording = info.connected && info.recording;
    passMark = info.passMark !== null ? info.passMark : D.passMark;
  }
  adopt(info);
  const maxAttempts = D.quiz && D.quiz.maxAttempts ? D.quiz.maxAttempts : 0;
  let current = 0, exited = false, reported = null;

  const seenCount = () => S.seen.filter(Boolean).length;
  const quizPassed = () => S.quiz.state === "p";
  const attemptsLeft = () => !maxAttempts || S.quiz.submits < maxAttempts;
  function steps() {
    const pages = D.completion !== "quiz", quiz = D.completion !== "pages";
    return { done: (pages ? seenCount() : 0) + (quiz && quizPassed() ? 1 : 0), total: (pages ? N : 0) + (quiz ? 1 : 0) };
  }
  /* The course's own rule, from its own saved state only: never from an LMS status (issue 6). */
  const ruleHolds = () => { const s = steps(); return s.done === s.total; };
  const earned = () => ruleHolds() && (!D.quiz || quizPassed());
  // what is reported: the course's rule, or what the LMS already holds (never downgrade)
  const completedForLms = () => ruleHolds() || held.completion === "completed";

  function save(commit, editing) {
    if (exited) return;
    reconnect();
    if (twins()) report();
    if (earned() && !S.day) S.day = Math.floor(Date.now() / 86400000);
    S.page = current;
    keep();
    if (!recording) return;
    const st = steps();
    // progress_measure is 1.0 exactly when the completion rule holds (§1.3)
    const progress = completedForLms() ? 1 : Math.min(st.done / st.total, 0.9999);
    const data = encode(editing);
    // true: the LMS failed to take something before, so a commit is owed now
    const owed = LMS.save({ location: D.pages[current].id, suspendData: data, progress: progress });
    mirror(data);
    if (commit || owed === true) LMS.commit();
  }

  /* ---- no learning platform at all (a package opened from disk, or the none adapter): the
     state is kept in this browser (localStorage, by course id and structure hash), so a reload
     carries on. Not in a frame, where an LMS may still come (below). The SCORM adapters' copy
     for two windows (further below) is another key. ---- */
  let top = true;
  try { top = window.parent === window && !window.opener; } catch (e) { top = false; }
  const localKey = "cpd-pack.progress|" + D.course.id + "|" + D.hash;
  const local = () => !info.connected && !info.initFailed && (LMS.format === "none" || top);
  function keep() {
    try { if (local()) storage().setItem(localKey, ST.structural(S, D) + ST.reflections(S.refl)); } catch (e) { /* none or full */ }
  }
  function kept() {
    try { return local() ? ST.decode(storage().getItem(localKey) || "", D) : null; } catch (e) { return null; }
  }

  /* ---- an LMS that did not answer at first: its API came after the wait (pitfall 18), or
     Initialize failed. Asked again at the next events (a few times); the attempt then goes on
     from what the LMS holds plus what was done here meanwhile. ---- */
  let asked = 0;
  function reconnect() {
    if (info.connected || !info.retry || asked >= 5 || !LMS.found()) return;
    asked += 1;
    let next;
    try { next = Promise.resolve(LMS.start({ courseId: D.course.id })); } catch (e) { return; }
    next.then((launch) => {
      if (!launch.connected || exited) return;
      const theirs = resumed(launch);
      adopt(launch);
      if (theirs) merge(theirs);
      notice();
      report();
      save(true);
    }, () => {});
  }
  const resumed = (launch) => launch.entry !== "ab-initio" || launch.mode === "review" ? ST.decode(launch.suspendData, D) : null;
  /* Another copy of this attempt's state (newer, or what the LMS holds) becomes this window's,
     keeping what was done here that it lacks: pages seen, checks, ratings, a passed quiz, and
     reflections changed here since this window last saved. */
  function merge(other) {
    other.seen = other.seen.map((v, i) => v || S.seen[i]);
    S.done.forEach((d, i) => { if (d && !other.done[i]) { other.done[i] = true; other.checks[i] = S.checks[i]; } });
    ["before", "after"].forEach((k) => { other[k] = other[k].map((v, i) => v || S[k][i]); });
    if (S.quiz.state === "p" && other.quiz.state !== "p") other.quiz = S.quiz;
    other.quiz.submits = Math.max(other.quiz.submits, S.quiz.submits);
    other.day = other.day || S.day;
    Object.keys(dirty).forEach((i) => { other.refl[i] = S.refl[i]; });
    S = other;
    paint();
  }

  /* ---- the same attempt open in two windows: each save leaves the state in this browser's
     storage with its save counter (seq) and the window that wrote it. A window that finds a
     newer one written by another window while it was open takes it over (merge) and says so,
     before it saves: neither overwrites newer progress with older. ---- */
  const tab = Math.random().toString(36).slice(2), openedAt = Date.now();
  let twin = "";
  const slot = () => "cpd-pack.attempt." + location.pathname + "|" + D.course.id + "|" + D.hash + "|" + (info.attempt || "");
  const ahead = (a, b) => { const d = (a - b + 46656) % 46656; return d > 0 && d < 23328; }; // seq wraps
  function storage() { try { return window.localStorage; } catch (e) { return null; } }
  function mirror(data) {
    try { storage().setItem(slot(), JSON.stringify({ tab: tab, at: Date.now(), seq: S.seq, data: data })); } catch (e) { /* none or full */ }
  }
  function twins() {
    if (!recording) return false;
    let r = null;
    try { r = JSON.parse(storage().getItem(slot())); } catch (e) { r = null; }
    if (!r || r.tab === tab || !(r.at >= openedAt) || !ahead(r.seq, S.seq)) return false;
    const other = ST.decode(r.data, D);
    if (!other) return false;
    merge(other);
    return newer(T("notice.twin_window"));
  }
  window.addEventListener("storage", (ev) => { if (ev.key === slot() && !exited && twins()) report(); });
  const rightCount = (answers) => Q.rightCount(answers), percent = (answers) => Q.percent(answers);
  /* {completed, passed, final, scorePercent, points, maxPoints}: the adapter decides how its
     standard says it (points: questions right, for xAPI's integer raw score). */
  function result() {
    const submitted = D.quiz && S.quiz.state !== "0";
    let score = submitted ? percent(S.quiz.answers) : null;
    // a lower later score must not replace a pass the LMS already holds
    if (score !== null && held.success === "passed" && (!quizPassed() || (held.scoreRaw !== null && score < held.scoreRaw))) score = null;
    if (score !== null && held.scoreRaw !== null && Math.abs(score - held.scoreRaw) < 0.005) score = null; // held already
    const passed = !D.quiz ? null : quizPassed() || held.success === "passed" ? true : S.quiz.state === "f" ? false : null;
    const points = score === null ? null : rightCount(S.quiz.answers);
    return { completed: completedForLms(), passed: passed, final: passed === false && !attemptsLeft(), scorePercent: score,
      points: points, maxPoints: Q.total() };
  }
  function report() {
    if (!recording) return;
    const r = result(), key = JSON.stringify(r);
    if (key === reported) return;
    reported = key;
    LMS.setResult(r);
  }

  /* ---- navigation and progress ---- */
  function show(i, focus) {
    if (exited || i < 0 || i >= N) return;
    current = i;
    S.seen[i] = true;
    C.current(i);
    if (D.pages[i].id === D.quiz_page) Q.shown();
    refresh();
    if (focus) C.toTitle(i);
    report();
    save(true);
  }
  function refresh() {
    C.progress();
    certificate();
  }

  /* ---- certificate (js/certificate.js) ---- */
  function certificate() {
    window.CPD_CERTIFICATE.show({ earned: earned(), name: info.learnerName || "", day: S.day || Math.floor(Date.now() / 86400000),
      seen: seenCount(), pages: N, quiz: D.quiz && !quizPassed() ? (attemptsLeft() ? "pending" : "spent") : "", mark: pct(passMark) }, T);
  }
  /* Exit asks first (a modal <dialog>: focus moves into it, Escape or "Stay" closes it and focus
     returns to the Exit button); after exit the button is gone. */
  function askExit() {
    const dialog = $("#cpd-exit-dialog");
    if (exited) return;
    if (dialog && dialog.showModal) dialog.showModal(); else exit();
  }
  function exit() {
    if (exited) return;
    report();
    save(false);
    exited = true;
    const kept = LMS.finish({ suspend: true, leave: true, record: recording }) !== false && !unsaved;
    let framed = false;
    try { framed = window.parent !== window; } catch (e) { framed = true; }
    // Inside an LMS frame the window is the LMS's own (Moodle ignores suspendAll, §11.15).
    $("[data-exit-message]").textContent = !info.connected
      ? T(info.initFailed ? "exit.init_failed" : local() ? "exit.local" : "exit.no_lms")
      : T(!recording ? "exit.not_recorded" : kept ? "exit.kept" : "exit.unconfirmed") + T(framed ? "exit.framed" : "exit.window");
    $$(".cpd-page").forEach((s) => { s.hidden = s.id !== "cpd-exited"; });
    $("#cpd-pager").hidden = true;
    $(".cpd-nav").hidden = true;
    $("#cpd-lost").hidden = true;
    const button = $('[data-action="exit"]');
    button.disabled = true;
    button.hidden = true;
    $("#cpd-exited-title").focus();
  }

  /* ---- wiring ---- */
  document.addEventListener("click", (ev) => {
    // a submitted quiz's answers stay readable (aria-disabled) but cannot change
    if (ev.target.closest('#cpd-quiz input[aria-disabled="true"]')) { ev.preventDefault(); return; }
    const toq = ev.target.closest("[data-to-question]");
    if (toq) { ev.preventDefault(); Q.toQuestion(toq.getAttribute("data-to-question")); return; }
    const goto = ev.target.closest("[data-goto]");
    if (goto) { ev.preventDefault(); show(D.pages.map((p) => p.id).indexOf(goto.getAttribute("data-goto")), true); return; }
    const btn = ev.target.closest("[data-action]");
    if (!btn) return;
    const act = btn.getAttribute("data-action");
    if (act === "next") show(current + 1, true);
    else if (act === "prev") show(current - 1, true);
    else if (act === "exit") askExit();
    else if (act === "exit-confirm") { $("#cpd-exit-dialog").close(); exit(); }
    else if (act === "exit-cancel") $("#cpd-exit-dialog").close();
    else if (act === "check") Q.check(D.checks.map((q) => q.id).indexOf(btn.getAttribute("data-question")));
    else if (act === "retake-quiz") Q.retake();
    else if (act === "print") window.print();
    else if (act === "download-reflections") R.download();
    else if (act === "dismiss-lost") $("#cpd-lost").hidden = true;
  });
  const form = $("#cpd-quiz");
  if (form) form.addEventListener("submit", (ev) => { ev.preventDefault(); Q.submitQuiz(); });
  document.addEventListener("change", (ev) => {
    const t = ev.target, name = t.name || "";
    const m = /^sa-(before|after)-(.+)$/.exec(name);
    if (m) {
      const v = parseInt(t.value, 10) || 0, legend = t.closest("fieldset").querySelector("legend");
      S[m[1]][D.statements.indexOf(m[2])] = v;
      R.ratings();
      save(false);
      // a likert interaction per statement and phase, so a CPD portfolio shows the ratings (README)
      if (recording && v && LMS.recordRating) LMS.recordRating({ id: m[1] + "-" + m[2], value: v, description: legend.lastChild.textContent.trim() });
    }
    // keep answers not yet submitted, so a resumed attempt gets them back (state.py QUIZ)
    if (name.indexOf("q-") === 0) Q.changed(t);
    if (name.indexOf("kc-") === 0) Q.checkChanged(t);
    const r = t.getAttribute("data-reflection");
    if (r) { const i = R.index(r); S.refl[i] = t.value; dirty[i] = true; save(true, i); } // on blur
  });
  document.addEventListener("input", (ev) => {
    const r = ev.target.getAttribute && ev.target.getAttribute("data-reflection");
    if (r) { S.refl[R.index(r)] = ev.target.value; dirty[R.index(r)] = true; }
  });
  // Never unload/beforeunload (pitfall 4); pagehide ends the session once, hidden commits.
  window.addEventListener("pagehide", () => {
    if (!exited) { report(); save(false); exited = true; LMS.finish({ suspend: true, record: recording }); }
  });
  document.addEventListener("visibilitychange", () => { if (document.visibilityState === "hidden") save(true); });

  /* ---- launch ---- */
  // records waiting for the LMS or LRS, refused ones, no place kept there; another window
  let unsaved = false, synced = "";
  function newer(text) { twin = text; showSync(); return true; }
  function showSync() {
    const text = [synced, twin].filter(Boolean).join(" ");
    if ($("#cpd-sync").textContent !== text) $("#cpd-sync").textContent = text;
  }
  LMS.onStatus((st) => {
    const parts = [];
    unsaved = !!(st.lms && (st.waiting || st.ended));
    if (st.lms) { // SCORM: the LMS's API did not take something (scorm-api.js)
      if (st.ended) parts.push(T("sync.ended"));
      else if (st.waiting) parts.push(T("sync.waiting"));
      if (st.refused) parts.push(T("sync.refused"));
    }
    if (!st.lms && st.waiting && st.error) parts.push(T("sync.queued", { n: st.waiting }));
    if (!st.lms && st.refused) parts.push(T("sync.rejected", { n: st.refused }));
    if (!st.stateApi) parts.push(T("sync.no_state"));
    synced = parts.join(" ");
    showSync();
  });
  // a newer copy of this attempt's state saved elsewhere (xAPI: another device, via the LRS)
  if (LMS.onNewer) LMS.onNewer((data) => {
    const other = ST.decode(data, D);
    if (!other || exited) return;
    merge(other);
    newer(T("notice.twin_device"));
    report();
    save(true); // the merged state, over the newer one
  });
  // the sticky contents list sits under the sticky header, whatever height it wraps to
  const head = $(".cpd-header"), sizeHead = () => document.documentElement.style.setProperty("--cpd-head", head.offsetHeight + "px");
  sizeHead();
  if (window.ResizeObserver) new ResizeObserver(sizeHead).observe(head);
  function notice() {
    $("#cpd-notice").textContent = info.notice ? T("notice." + info.notice) : info.connected ? (recording ? "" : T("notice.review"))
      : T(info.initFailed ? "notice.init_failed" : local() ? "notice.local" : "notice.not_recorded");
  }
  notice();
  C.start();
  /* Show the state S in every page (at launch, and after a merge). */
  function paint() {
    Q.shuffle();
    Q.paintChecks();
    R.paint();
    Q.quizView();
    refresh();
  }
  // the saved state is the attempt's own (resumed, or shown again in review mode)
  const saved = resumed(info) || kept();
  if (saved) S = saved;
  paint();
  R.lostNotice(S.lost.map((l, i) => l && !S.refl[i]), false);
  // the saved state's page wins over the LMS's location, which can be stale (issue 6, §11.14)
  const at = saved ? S.page : D.pages.map((p) => p.id).indexOf(info.location);
  show(at >= 0 ? at : 0, false);
  }
})();
