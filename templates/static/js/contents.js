/* cpd-pack player, the page on view and the contents list. Loaded before js/player.js, which
 * calls window.CPD_CONTENTS(P) with its context P. Hooks (the design styles them): .cpd-toc
 * (details#cpd-toc), .cpd-unit[data-unit=<id>] (a details per unit, the current one open),
 * [data-unit-progress=<id>], [data-goto=<page id>][aria-current=page], [data-seen-for=<id>]. */
window.CPD_CONTENTS = function (P) {
  "use strict";
  const D = P.D, T = P.T, fmt = P.fmt, $ = P.$, $$ = P.$$, N = D.pages.length;
  const phone = () => !!(window.matchMedia && window.matchMedia("(max-width: 40em)").matches);

  /* Page i is on view: the contents mark it, keep it in sight and keep its unit open. */
  function current(i) {
    const id = D.pages[i].id;
    $$(".cpd-page").forEach((s) => { s.hidden = s.getAttribute("data-page") !== id; });
    $$("[data-goto]").forEach((a) => {
      if (a.getAttribute("data-goto") === id) a.setAttribute("aria-current", "page"); else a.removeAttribute("aria-current");
    });
    const unit = $('[data-unit="' + D.units[D.pages[i].unit].id + '"]');
    if (unit) unit.open = true;
    // keep the current page in view in the contents list, which scrolls on its own
    const nav = $(".cpd-nav"), link = $('[aria-current="page"]', nav);
    if (link && nav.clientHeight < nav.scrollHeight &&
        (link.offsetTop < nav.scrollTop || link.offsetTop + link.offsetHeight > nav.scrollTop + nav.clientHeight)) {
      nav.scrollTop = link.offsetTop - nav.clientHeight / 3;
    }
    $('[data-action="prev"]').disabled = i === 0;
    $('[data-action="next"]').disabled = i === N - 1;
    $("#cpd-page-count").textContent = T("pager.count", { n: fmt(i + 1), total: fmt(N) });
  }
  /* Pages seen: the marks in the list, the progress bar and each unit's count. */
  function progress() {
    const S = P.S, n = S.seen.filter(Boolean).length, bar = $("#cpd-progress"), text = T("progress.text", { seen: fmt(n), total: fmt(N) });
    D.pages.forEach((p, i) => { const m = $('[data-seen-for="' + p.id + '"]'); if (m) m.hidden = !S.seen[i]; });
    bar.setAttribute("aria-valuenow", String(n));
    bar.setAttribute("aria-valuetext", text);
    $(".cpd-progress-bar", bar).style.width = (100 * n / N) + "%";
    $("#cpd-progress-text").textContent = text;
    D.units.forEach((u, k) => {
      const el = $('[data-unit-progress="' + u.id + '"]'), at = D.pages.map((p, j) => j).filter((j) => D.pages[j].unit === k);
      if (el) el.textContent = T("nav.unit_progress", { seen: fmt(at.filter((j) => S.seen[j]).length), total: fmt(at.length) });
    });
  }
  /* Focus and view go to page i's title, just under the header when it stays on screen; on a
     phone the contents close first, so nothing moves the title away afterwards. */
  function toTitle(i) {
    if (phone()) $("#cpd-toc").open = false;
    const title = $("#title-" + D.pages[i].id), head = $(".cpd-header"), pos = getComputedStyle(head).position;
    const over = pos === "sticky" || pos === "fixed" ? head.offsetHeight : 0;
    title.focus({ preventScroll: true });
    window.scrollTo(0, Math.max(0, title.getBoundingClientRect().top + window.scrollY - over));
  }
  function start() { if (phone()) $("#cpd-toc").open = false; } // a phone starts with the list closed
  return { current, progress, toTitle, start };
};
