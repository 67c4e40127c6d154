/* cpd-pack certificate: shows what is still needed, or the certificate itself (loaded before
 * player.js, which calls CPD_CERTIFICATE.show(state, T) whenever progress changes).
 * state: {earned, name (from the LMS, or ""), day (days since 1970, UTC), seen, pages,
 *         quiz: "" | "pending" | "spent", mark (the pass mark, formatted)}.
 * Without a learner name from the LMS the learner types it (kept in this browser).
 * The certificate id is derived from learner + course + date: the same three give the same id.
 * DOM hooks: #cpd-certificate [data-cert=name|date|hours|id], #cpd-cert-missing [data-cert-needs],
 * [data-cert-namefield] input[data-cert-input]. */
(function () {
  "use strict";
  const A = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"; // Crockford's base 32: no I, L, O, U
  let last = null, T = null;

  /* Two 32-bit FNV-1a style hashes of the UTF-16 code units, each with a final mix. */
  function certificateId(name, courseId, isoDate) {
    const text = name.trim().replace(/\s+/g, " ").toLowerCase() + "\n" + courseId + "\n" + isoDate;
    let h1 = 0x811c9dc5, h2 = 0xcbf29ce4;
    for (let i = 0; i < text.length; i++) {
      const u = text.charCodeAt(i);
      h1 = Math.imul(h1 ^ u, 0x01000193);
      h2 = Math.imul(h2 ^ u, 0x5bd1e995);
    }
    h1 = Math.imul(h1 ^ (h1 >>> 15), 0x2c1b3c6d) >>> 0;
    h2 = Math.imul(h2 ^ (h2 >>> 13), 0x297a2d39) >>> 0;
    let out = "";
    for (let k = 0; k < 4; k++) out += A[(h1 >>> (5 * k)) & 31];
    out += "-";
    for (let k = 0; k < 4; k++) out += A[(h2 >>> (5 * k)) & 31];
    return out;
  }

  const $ = (sel) => document.querySelector(sel);
  const data = () => JSON.parse($("#cpd-data").textContent);
  let D = null;
  const key = () => "cpd-pack.learner-name." + D.course.id;
  function stored() { try { return window.localStorage.getItem(key()) || ""; } catch (e) { return ""; } }
  function store(v) { try { window.localStorage.setItem(key(), v); } catch (e) { /* none or full */ } }
  function num(x) { try { return new Intl.NumberFormat(D.course.language).format(x); } catch (e) { return String(x); } }

  /* The day of ``date`` (read in UTC) as the course language writes it; from the catalogue when
     the browser has no date names for the language (Chrome has none for Welsh, and would write
     "November 30, 2026"). D: the course data, T: its text function. */
  function longDate(date, D, T) {
    const lang = D.course.language;
    try {
      if (Intl.DateTimeFormat.supportedLocalesOf([lang]).length) {
        return date.toLocaleDateString(lang, { year: "numeric", month: "long", day: "numeric", timeZone: "UTC" });
      }
    } catch (e) { /* not a valid tag */ }
    return T("date.long", { day: date.getUTCDate(), month: D.messages["date.months"][date.getUTCMonth()], year: date.getUTCFullYear() });
  }

  function fill(st) {
    const field = $("[data-cert-namefield]"), input = $("[data-cert-input]");
    const typed = !st.name;
    field.hidden = !typed;
    if (typed && document.activeElement !== input && !input.value) input.value = stored();
    const name = (typed ? input.value : st.name).trim().replace(/\s+/g, " ");
    const date = new Date(st.day * 86400000);
    $('[data-cert="name"]').textContent = name;
    $('[data-cert="name"]').classList.toggle("is-blank", !name);
    $('[data-cert="date"]').textContent = longDate(date, D, T);
    $('[data-cert="id"]').textContent = certificateId(name || T("cert.learner"), D.course.id,
      date.toISOString().slice(0, 10));
  }

  function show(st, translate) {
    const box = $("#cpd-certificate");
    if (!box) return;
    D = D || data();
    T = translate;
    last = st;
    box.hidden = !st.earned;
    $("#cpd-cert-missing").hidden = st.earned;
    if (st.earned) { fill(st); return; }
    $("[data-cert-namefield]").hidden = true;
    const needs = [];
    if (D.completion !== "quiz" && st.seen < st.pages) needs.push(T("cert.need_pages", { seen: num(st.seen), total: num(st.pages) }));
    if (st.quiz) needs.push(st.quiz === "pending" ? T("cert.need_quiz", { mark: st.mark }) : T("cert.need_attempt"));
    const ul = $("[data-cert-needs]");
    ul.textContent = "";
    needs.forEach((t) => { const li = document.createElement("li"); li.textContent = t; ul.appendChild(li); });
  }

  document.addEventListener("input", (ev) => {
    if (!ev.target.hasAttribute || !ev.target.hasAttribute("data-cert-input") || !last) return;
    store(ev.target.value.trim().replace(/\s+/g, " "));
    fill(last);
  });
  window.CPD_CERTIFICATE = { show: show, id: certificateId, longDate: longDate };
})();
