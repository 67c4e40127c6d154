// Unit tests of the LMS adapters against a fake API that records every call: node --test tests/js
"use strict";
const test = require("node:test");
const assert = require("node:assert");
const fs = require("node:fs");
const path = require("node:path");
const vm = require("node:vm");

const LMS_DIR = path.join(__dirname, "..", "..", "templates", "static", "js", "lms");

function fakeApi(names, initial) {
  const calls = [];
  const data = Object.assign({}, initial);
  const api = {};
  api[names.init] = () => { calls.push([names.init]); return "true"; };
  api[names.get] = (el) => { calls.push([names.get, el]); return el in data ? data[el] : ""; };
  api[names.set] = (el, v) => { calls.push([names.set, el, v]); data[el] = v; return "true"; };
  api[names.commit] = () => { calls.push([names.commit]); return "true"; };
  api[names.finish] = () => { calls.push([names.finish]); return "true"; };
  api.GetLastError = api.LMSGetLastError = () => "0";
  return { api, calls, data };
}

function load(file, apiName, api) {
  const win = {};
  if (api) win[apiName] = api;
  win.parent = win;
  win.window = win;
  // js/lms.js in a package is scorm-api.js followed by the adapter (render.adapter_source)
  const source = ["scorm-api.js", file].map((f) => fs.readFileSync(path.join(LMS_DIR, f), "utf8"));
  vm.runInNewContext(source.join("\n"), win);
  return win.CPD_LMS;
}

const N12 = { init: "LMSInitialize", get: "LMSGetValue", set: "LMSSetValue", commit: "LMSCommit", finish: "LMSFinish" };
const N04 = { init: "Initialize", get: "GetValue", set: "SetValue", commit: "Commit", finish: "Terminate" };
const sets = (calls) => calls.filter((c) => c[0].indexOf("SetValue") >= 0).map((c) => [c[1], c[2]]);

test("scorm2004: start, interaction order and formats", async () => {
  const f = fakeApi(N04, { "cmi.scaled_passing_score": "0.75", "cmi.learner_name": "Doe, Jane",
    "cmi.completion_status": "unknown" });
  const lms = load("scorm2004.js", "API_1484_11", f.api);
  const info = await lms.start({ courseId: "c1" });
  assert.strictEqual(info.connected, true);
  assert.strictEqual(info.passMark, 75);
  assert.strictEqual(info.learnerName, "Jane Doe");
  assert.deepStrictEqual(sets(f.calls), [["cmi.completion_status", "incomplete"], ["cmi.exit", "suspend"]]);
  f.calls.length = 0;
  lms.recordAnswer({ id: "q1", type: "multiple", responseIds: ["a", "c"], correctIds: ["a", "b"],
    correct: false, latencySeconds: 65.456, description: "Which?" });
  const s = sets(f.calls);
  assert.deepStrictEqual(s.map((x) => x[0].replace("cmi.interactions.0.", "")),
    ["id", "type", "correct_responses.0.pattern", "learner_response", "result", "weighting", "latency",
      "timestamp", "description"]);
  assert.strictEqual(s[0][1], "urn:cpd-pack:c1:q1");
  assert.strictEqual(s[2][1], "a[,]b");
  assert.strictEqual(s[3][1], "a[,]c");
  assert.strictEqual(s[4][1], "incorrect");
  assert.strictEqual(s[6][1], "PT0H1M5.46S");
  assert.match(s[7][1], /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d\dZ$/);
  f.calls.length = 0;
  lms.setResult({ completed: true, passed: true, scorePercent: 200 / 3 });
  assert.deepStrictEqual(sets(f.calls), [["cmi.score.scaled", "0.6667"], ["cmi.score.raw", "66.67"],
    ["cmi.score.min", "0"], ["cmi.score.max", "100"], ["cmi.success_status", "passed"],
    ["cmi.completion_status", "completed"]]);
  f.calls.length = 0;
  lms.finish({ suspend: true });
  lms.finish({ suspend: true });
  assert.strictEqual(f.calls.filter((c) => c[0] === "Terminate").length, 1);
  assert.match(f.data["cmi.session_time"], /^PT\d+H\d+M\d+(\.\d{1,2})?S$/);
  assert.strictEqual(f.data["cmi.exit"], "suspend");
});

test("scorm12: vocabulary, time formats and no downgrade", async () => {
  const f = fakeApi(N12, { "cmi.core.lesson_status": "passed", "cmi.student_data.mastery_score": "",
    "cmi.core.student_name": "Doe, Jane", "cmi.interactions._count": "2" });
  const lms = load("scorm12.js", "API", f.api);
  const info = await lms.start({ courseId: "c1" });
  assert.strictEqual(info.passMark, null);
  assert.deepStrictEqual(JSON.parse(JSON.stringify(info.status)), { completion: "completed", success: "passed", scoreRaw: null });
  f.calls.length = 0;
  lms.recordAnswer({ id: "q-tf", type: "true-false", responseIds: ["true"], correctIds: ["false"],
    correct: false, latencySeconds: 5.5 });
  const s = sets(f.calls);
  assert.deepStrictEqual(s.slice(0, 6), [["cmi.interactions.2.id", "q-tf"], ["cmi.interactions.2.type", "true-false"],
    ["cmi.interactions.2.correct_responses.0.pattern", "f"], ["cmi.interactions.2.student_response", "t"],
    ["cmi.interactions.2.result", "wrong"], ["cmi.interactions.2.weighting", "1"]]);
  assert.strictEqual(s[6][1], "0000:00:05.50");
  assert.match(s[7][1], /^\d\d:\d\d:\d\d$/);
  f.calls.length = 0;
  lms.setResult({ completed: false, passed: false, final: true, scorePercent: 10 });
  assert.strictEqual(f.data["cmi.core.lesson_status"], "passed"); // never downgraded
  lms.finish({ suspend: true });
  assert.match(f.data["cmi.core.session_time"], /^\d{4}:\d\d:\d\d\.\d\d$/);
});

test("scorm12: status mapping from a fresh attempt", async () => {
  const f = fakeApi(N12, { "cmi.core.lesson_status": "not attempted" });
  const lms = load("scorm12.js", "API", f.api);
  await lms.start({});
  assert.strictEqual(f.data["cmi.core.lesson_status"], "incomplete");
  lms.setResult({ completed: false, passed: true, final: false, scorePercent: 90 });
  assert.strictEqual(f.data["cmi.core.lesson_status"], "incomplete");
  assert.strictEqual(f.data["cmi.core.score.raw"], "90"); // no mastery score: the score goes at once
  // a failed quiz that may be retaken stays incomplete (pitfall 14: failed opens review mode)
  lms.setResult({ completed: false, passed: false, final: false, scorePercent: 20 });
  assert.strictEqual(f.data["cmi.core.lesson_status"], "incomplete");
  assert.strictEqual(f.data["cmi.core.score.raw"], "20");
  lms.setResult({ completed: false, passed: false, final: true, scorePercent: 20 });
  assert.strictEqual(f.data["cmi.core.lesson_status"], "failed"); // no attempt left
  lms.setResult({ completed: true, passed: true, final: false, scorePercent: 90 });
  assert.strictEqual(f.data["cmi.core.lesson_status"], "passed");
});

test("scorm12: with a mastery score, the score goes only with a final status", async () => {
  // An LMS applying "mastery score overrides status" (Moodle's default) would turn incomplete
  // plus a score into passed or failed at LMSFinish.
  const f = fakeApi(N12, { "cmi.core.lesson_status": "not attempted", "cmi.student_data.mastery_score": "70" });
  const lms = load("scorm12.js", "API", f.api);
  assert.strictEqual((await lms.start({})).passMark, 70);
  lms.setResult({ completed: false, passed: true, final: false, scorePercent: 90 });
  lms.setResult({ completed: false, passed: false, final: false, scorePercent: 20 });
  assert.strictEqual(f.data["cmi.core.score.raw"], undefined);
  assert.strictEqual(f.data["cmi.core.lesson_status"], "incomplete");
  lms.setResult({ completed: true, passed: true, final: false, scorePercent: 90 });
  assert.deepStrictEqual([f.data["cmi.core.lesson_status"], f.data["cmi.core.score.raw"]], ["passed", "90"]);
});

test("review mode or no credit: nothing is written", async () => {
  for (const [file, name, names, initial] of [
    ["scorm12.js", "API", N12, { "cmi.core.lesson_mode": "review", "cmi.core.lesson_status": "failed" }],
    ["scorm12.js", "API", N12, { "cmi.core.lesson_mode": "normal", "cmi.core.credit": "no-credit" }],
    ["scorm2004.js", "API_1484_11", N04, { "cmi.mode": "browse" }],
    ["scorm2004.js", "API_1484_11", N04, { "cmi.mode": "normal", "cmi.credit": "no-credit" }]]) {
    const f = fakeApi(names, initial);
    const info = await load(file, name, f.api).start({});
    assert.strictEqual(info.connected, true);
    assert.strictEqual(info.recording, false, JSON.stringify(initial));
    assert.deepStrictEqual(sets(f.calls), []);
  }
  const f = fakeApi(N04, {});
  assert.strictEqual((await load("scorm2004.js", "API_1484_11", f.api).start({})).recording, true); // unset: normal, credit
});

test("scorm2004: never downgrades what the LMS holds", async () => {
  const f = fakeApi(N04, { "cmi.completion_status": "completed", "cmi.success_status": "passed" });
  const lms = load("scorm2004.js", "API_1484_11", f.api);
  await lms.start({});
  lms.setResult({ completed: false, passed: false, final: false, scorePercent: null });
  assert.strictEqual(f.data["cmi.completion_status"], "completed");
  assert.strictEqual(f.data["cmi.success_status"], "passed");
});

test("no API: every adapter degrades quietly", async () => {
  for (const [file, name] of [["scorm12.js", "API"], ["scorm2004.js", "API_1484_11"], ["none.js", "x"]]) {
    const lms = load(file, name, null);
    const info = await lms.start({ courseId: "c" });
    assert.strictEqual(info.connected, false);
    assert.doesNotThrow(() => {
      lms.save({ location: "p", suspendData: "x", progress: 0.5 });
      lms.setResult({ completed: true, passed: true, scorePercent: 100 });
      lms.commit();
      lms.finish({ suspend: true });
    });
  }
});

/* A fake API that fails on demand: fail(name, el) -> error code to answer, or null. */
function faultyApi(names, initial, fail) {
  const f = Object.assign(fakeApi(names, initial), { failed: [] });
  let last = "0";
  for (const kind of ["init", "set", "commit", "finish"]) {
    const real = f.api[names[kind]];
    f.api[names[kind]] = (...args) => {
      const code = fail(kind, args[0]);
      if (code === "throw") { f.failed.push([names[kind], args[0]]); throw new Error("LMS down"); }
      if (code) { f.failed.push([names[kind], args[0]]); last = code; return "false"; }
      last = "0";
      return real(...args);
    };
  }
  f.api.GetLastError = f.api.LMSGetLastError = () => last;
  return f;
}

test("scorm: a value or commit the LMS failed to take goes again at the next event, in order", async () => {
  for (const [file, name, names, general] of [["scorm12.js", "API", N12, "101"], ["scorm2004.js", "API_1484_11", N04, "351"]]) {
    const down = { on: true };
    const f = faultyApi(names, {}, (kind, el) => down.on && (kind === "commit" ? "throw"
      : kind === "set" && /suspend_data|interactions\.0\.id/.test(el) ? general : null));
    const lms = load(file, name, f.api);
    const seen = [];
    await lms.start({ courseId: "c" });
    lms.onStatus((st) => seen.push(st));
    assert.doesNotThrow(() => {
      lms.save({ location: "p1", suspendData: "s1" });
      lms.commit();
      lms.recordAnswer({ id: "q1", type: "single", responseIds: ["a"], correctIds: ["a"], correct: true, latencySeconds: 1 });
      lms.recordAnswer({ id: "q2", type: "single", responseIds: ["b"], correctIds: ["a"], correct: false, latencySeconds: 1 });
    });
    const st = seen[seen.length - 1];
    assert.strictEqual(st.lms, true);
    assert.strictEqual(st.waiting, 1 + 1 + 16); // suspend_data, the owed commit, both interactions
    assert.ok(!Object.keys(f.data).some((k) => k.startsWith("cmi.interactions.")), file);
    down.on = false;
    assert.strictEqual(lms.save({ location: "p2", suspendData: "s2" }), true); // a commit is owed
    assert.strictEqual(lms.commit(), true);
    assert.strictEqual(seen[seen.length - 1].waiting, 0);
    assert.strictEqual(f.data["cmi.suspend_data"], "s2");
    const order = sets(f.calls).filter((s) => s[0].startsWith("cmi.interactions.")).map((s) => s[0].split(".").slice(2).join("."));
    assert.deepStrictEqual(order.slice(0, 2), ["0.id", "0.type"]);
    assert.deepStrictEqual(order.filter((o) => o.endsWith(".id")), ["0.id", "1.id"]); // sequential indexes
  }
});

test("scorm: a data model error is refused once; the end of the session stops every call", async () => {
  const f = faultyApi(N04, {}, (kind, el) => kind === "set" && el === "cmi.location" ? "406"
    : kind === "set" && el === "cmi.progress_measure" ? "143" : null);
  const lms = load("scorm2004.js", "API_1484_11", f.api);
  const seen = [];
  await lms.start({});
  lms.onStatus((st) => seen.push(st));
  lms.save({ location: "p1", suspendData: "s1" });
  const st = seen[seen.length - 1];
  assert.deepStrictEqual([st.refused, st.waiting, st.ended], [1, 0, false]);
  lms.save({ location: "p2", suspendData: "s2", progress: 0.5 }); // 143: terminated by the LMS
  assert.strictEqual(seen[seen.length - 1].ended, true);
  const before = f.calls.length + f.failed.length;
  lms.save({ location: "p3", suspendData: "s3" });
  assert.strictEqual(lms.commit(), false);
  assert.strictEqual(lms.finish({}), false);
  assert.strictEqual(f.calls.length + f.failed.length, before); // nothing more is sent
});

test("scorm: Initialize failing is reported; 2004 'already initialized' counts as open", async () => {
  const failing = faultyApi(N12, {}, (kind) => (kind === "init" ? "101" : null));
  const info = await load("scorm12.js", "API", failing.api).start({});
  assert.deepStrictEqual([info.connected, info.initFailed, info.retry], [false, true, true]);
  const open = faultyApi(N04, {}, (kind) => (kind === "init" ? "103" : null));
  const lms = load("scorm2004.js", "API_1484_11", open.api);
  assert.strictEqual((await lms.start({})).connected, true);
  const none = await load("scorm2004.js", "API_1484_11", null).start({});
  assert.deepStrictEqual([none.connected, none.initFailed, none.retry], [false, false, true]);
});

test("the adapters tighten the page's Content-Security-Policy before any request", async () => {
  const metas = [];
  const document = { createElement: () => ({}), head: { appendChild: (m) => metas.push(m) } };
  const run = (files, search) => {
    const win = { document, location: { href: "https://course.example/p/index.html" + search, search } };
    win.parent = win; win.window = win; win.URL = URL; win.URLSearchParams = URLSearchParams;
    const source = ["window.CPD_XAPI = { course: { id: 'c', definition: {} }, pages: {}, questions: {} };"]
      .concat(files.map((f) => fs.readFileSync(path.join(LMS_DIR, f), "utf8")));
    vm.runInNewContext(source.join("\n"), Object.assign(win, { fetch: () => new Promise(() => {}) }));
    return win.CPD_LMS;
  };
  run(["scorm-api.js", "scorm12.js"], "");
  run(["scorm-api.js", "none.js"], "");
  assert.deepStrictEqual(metas.map((m) => [m.httpEquiv, m.content]),
    [["Content-Security-Policy", "connect-src 'none'"], ["Content-Security-Policy", "connect-src 'none'"]]);
  metas.length = 0;
  const q = "?endpoint=" + encodeURIComponent("https://lrs.example:8443/xapi/") + "&actor=" +
    encodeURIComponent(JSON.stringify({ mbox: "mailto:a@example.org" }));
  const lms = run(["scorm-api.js", "xapi-client.js", "xapi-adapter.js", "xapi.js"], q);
  lms.start({});
  assert.deepStrictEqual(metas.map((m) => m.content), ["connect-src https://lrs.example:8443"]);
  metas.length = 0;
  run(["scorm-api.js", "xapi-client.js", "xapi-adapter.js", "cmi5.js"], "").start({}).catch(() => {});
  await new Promise((ok) => setTimeout(ok, 10));
  assert.deepStrictEqual(metas.map((m) => m.content), ["connect-src 'none'"]);
});
