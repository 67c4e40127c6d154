/* cpd-pack player, the learner's own words and ratings: self-assessment ratings, reflections,
 * reflections the learning platform had no room for, and a copy of them all. Loaded before
 * js/player.js, which calls window.CPD_REFLECTIONS(P) with its context P. */
window.CPD_REFLECTIONS = function (P) {
  "use strict";
  const D = P.D, T = P.T, fmt = P.fmt, $ = P.$;

  function ratingLabel(sid, n) { const l = $('label[for="sa-before-' + sid + '-' + n + '"]'); return n && l ? l.textContent : T("sa.not_rated"); }
  function ratings() {
    D.statements.forEach((sid, i) => {
      ["before", "after"].forEach((phase) => {
        const v = P.S[phase][i], inp = v && $('input[name="sa-' + phase + "-" + sid + '"][value="' + v + '"]');
        if (inp) inp.checked = true;
        const cell = $("[data-sa-" + phase + '="' + sid + '"]');
        if (cell) cell.textContent = ratingLabel(sid, v);
      });
    });
  }
  const index = (rid) => D.reflections.map((x) => x.id).indexOf(rid);
  function place(i) {
    const r = D.reflections[i], p = D.pages.map((x) => x.id).indexOf(r.page);
    const prompt = ($("#prompt-" + r.id) || { textContent: "" }).textContent.trim().replace(/\s+/g, " ");
    return { page: T("reflection.place", { n: fmt(p + 1), title: D.pages[p].title }), prompt: prompt };
  }
  function status() {
    D.reflections.forEach((r, i) => {
      const msg = !P.S.lost[i] ? "" : T(P.S.refl[i] ? "reflection.no_room" : "reflection.lost_before");
      const el = $('[data-reflection-status="' + r.id + '"]');
      if (el && el.textContent !== msg) el.textContent = msg;
    });
  }
  /* Told where the learner is (a fixed alert over the page), naming each reflection concerned. */
  function lostNotice(which, now) {
    const places = D.reflections.map((_, i) => i).filter((i) => which[i]).map(place);
    if (!places.length) return;
    const list = $("[data-lost-list]");
    list.textContent = "";
    places.forEach((pl) => {
      const li = document.createElement("li");
      li.textContent = pl.page + (pl.prompt ? ": \u201c" + pl.prompt.slice(0, 90) + (pl.prompt.length > 90 ? "\u2026" : "") + "\u201d" : "");
      list.appendChild(li);
    });
    $("[data-lost-text]").textContent = T(now ? "reflection.lost_now" : "reflection.lost_then", { n: places.length });
    $("#cpd-lost").hidden = false;
  }
  function download() {
    const now = new Date(), today = new Date(Date.UTC(now.getFullYear(), now.getMonth(), now.getDate()));
    const lines = [D.course.title, T("reflection.file_heading", { date: window.CPD_CERTIFICATE.longDate(today, D, T) }), ""];
    D.reflections.forEach((r, i) => {
      const text = (($('[data-reflection="' + r.id + '"]') || {}).value || P.S.refl[i] || "").trim();
      if (!text) return;
      const pl = place(i);
      lines.push("## " + pl.page.charAt(0).toUpperCase() + pl.page.slice(1), pl.prompt, "", text, "");
    });
    if (lines.length === 3) lines.push(T("reflection.none_yet"));
    const url = URL.createObjectURL(new Blob(["\ufeff" + lines.join("\r\n")], { type: "text/plain;charset=utf-8" }));
    const a = document.createElement("a");
    a.href = url;
    a.download = D.course.id + "-reflections.txt";
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  }
  function paint() {
    D.reflections.forEach((r, i) => { const el = $('[data-reflection="' + r.id + '"]'); if (el && el.value !== P.S.refl[i]) el.value = P.S.refl[i]; });
    status();
    ratings();
  }
  /* An activity's model answer opens only once the learner has written their own response:
     its summary's click (mouse, Enter or Space) is refused before the details open, and the
     toggle event (asynchronous) closes it if it was opened some other way. */
  const unwritten = (d) => {
    const id = d && d.getAttribute && d.getAttribute("data-model-answer"), box = id && $('[data-reflection="' + id + '"]');
    return box && !box.value.trim() ? box : null;
  };
  document.addEventListener("click", (ev) => {
    const s = ev.target.closest && ev.target.closest("summary"), d = s && s.parentElement, box = d && !d.open && unwritten(d);
    if (box) { ev.preventDefault(); box.focus(); }
  }, true);
  document.addEventListener("toggle", (ev) => {
    const d = ev.target, box = d.open && unwritten(d);
    if (box) { d.open = false; box.focus(); }
  }, true);
  return { ratings, index, status, lostNotice, download, paint };
};
