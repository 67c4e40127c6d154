/*
 * The cpd-pack preview page. For a SCORM build it is the LMS: scorm-again is the API
 * (window.API for 1.2, window.API_1484_11 for 2004); every call the course makes is logged and
 * the data model shown. For xAPI and cmi5 the course is launched by `cpd-pack launch`'s server
 * and the page lists the statements it receives. The page polls /_preview/events: after each
 * good build it reloads the course frame (keeping the attempt: a SCORM relaunch carries the
 * data an LMS keeps, an xAPI relaunch keeps the registration); a failed build is shown with
 * its file:line and the last good build stays. Reset starts a fresh attempt.
 */
"use strict";

(function () {
  const cfg = JSON.parse(document.getElementById("preview-config").textContent);
  const $ = (id) => document.getElementById(id);
  const frame = $("course"), log = $("log"), box = $("log-box"), model = $("model");
  const status = $("build-status");
  const version = cfg.version; // "1.2" | "2004" | "" (xAPI, cmi5)
  const NAMES = {
    "1.2": {
      Initialize: "LMSInitialize", Terminate: "LMSFinish", GetValue: "LMSGetValue",
      SetValue: "LMSSetValue", Commit: "LMSCommit", GetLastError: "LMSGetLastError",
      GetErrorString: "LMSGetErrorString", GetDiagnostic: "LMSGetDiagnostic",
    },
    "2004": {
      Initialize: "Initialize", Terminate: "Terminate", GetValue: "GetValue",
      SetValue: "SetValue", Commit: "Commit", GetLastError: "GetLastError",
      GetErrorString: "GetErrorString", GetDiagnostic: "GetDiagnostic",
    },
  };
  const QUERIES = new Set(["GetLastError", "GetErrorString", "GetDiagnostic"]);
  /* What an LMS keeps from one session to the next (the 2004 location and suspend_data only
     after exit=suspend), as the test LMS and Moodle do. */
  const CARRY = {
    "1.2": ["cmi.core.lesson_location", "cmi.suspend_data", "cmi.core.lesson_status",
      "cmi.core.score.raw", "cmi.core.score.min", "cmi.core.score.max", "cmi.core.total_time"],
    "2004": ["cmi.completion_status", "cmi.success_status", "cmi.score.scaled", "cmi.score.raw",
      "cmi.score.min", "cmi.score.max", "cmi.progress_measure", "cmi.total_time"],
  };

  let api = null, shown = 0, after = 0, launching = false, queue = Promise.resolve(), lastStatus = "";
  let terminated = 0; // xAPI, cmi5: terminated (or suspended) statements received
  const finals = new WeakMap(); // api -> its data right after Terminate

  function entry(text, kind, detail) {
    const item = document.createElement("li");
    item.className = kind || "";
    if (detail) {
      const details = document.createElement("details"), summary = document.createElement("summary");
      const pre = document.createElement("pre");
      summary.textContent = text;
      pre.textContent = detail;
      details.append(summary, pre);
      item.append(details);
    } else {
      item.textContent = text;
    }
    const stick = box.scrollTop + box.clientHeight >= box.scrollHeight - 8;
    log.append(item);
    if (stick) box.scrollTop = box.scrollHeight;
  }

  /* ---- SCORM: scorm-again hosts the course; every call is logged ---- */
  function flatten(obj, prefix, out) {
    for (const [key, value] of Object.entries(obj)) {
      const path = prefix ? prefix + "." + key : key;
      if (value !== null && typeof value === "object") flatten(value, path, out);
      else out[path] = value;
    }
    return out;
  }
  const set = (v) => v !== "" && v !== null && v !== undefined;
  function snapshot(of) { // the flattened CMI, with the total_time the Terminate commit computed
    const flat = JSON.parse(JSON.stringify(of.getFlattenedCMI()));
    return Object.assign(flat, flatten(JSON.parse(JSON.stringify(of.renderCommitCMI(true))), "", {}));
  }
  function relaunch(last, base) {
    const data = Object.assign({}, base);
    const suspended = last[version === "1.2" ? "cmi.core.exit" : "cmi.exit"] === "suspend";
    let keys = CARRY[version];
    if (version === "1.2") data["cmi.core.entry"] = suspended ? "resume" : "";
    else {
      data["cmi.entry"] = suspended ? "resume" : "ab-initio";
      if (suspended) keys = keys.concat(["cmi.location", "cmi.suspend_data"]);
    }
    for (const key of keys) if (set(last[key])) data[key] = String(last[key]);
    return Object.fromEntries(Object.entries(data).filter(([, v]) => v !== ""));
  }
  let painting = 0;
  function paint() {
    if (painting) return;
    painting = setTimeout(() => {
      painting = 0;
      if (!api) return;
      const flat = api.getFlattenedCMI();
      model.textContent = Object.keys(flat).filter((k) => set(flat[k]) && typeof flat[k] !== "object").map((k) => k + ": " + flat[k]).join("\n");
    }, 50);
  }
  function makeApi(initial) {
    const settings = {
      lmsCommitUrl: false, autocommit: false, logLevel: 4,
      onLogMessage: (level, message) => entry("scorm-again: " + message, "warn"),
    };
    const made = version === "1.2" ? new window.Scorm12API(settings) : new window.Scorm2004API(settings);
    if (Object.keys(initial).length) made.loadFromFlattenedJSON(initial);
    const names = NAMES[version], original = {};
    for (const [generic, name] of Object.entries(names)) original[generic] = made[name].bind(made);
    for (const [generic, name] of Object.entries(names)) {
      made[name] = function (...args) {
        const result = original[generic](...args);
        let text = name + "(" + args.map((a) => JSON.stringify(a === undefined ? null : a)).join(", ") + ") → " + JSON.stringify(result);
        let kind = "call";
        if (!QUERIES.has(generic)) {
          const code = String(original.GetLastError());
          if (version === "2004" && generic === "GetValue" && code === "403") {
            text += " (403: no value yet, as on a first launch)"; // normal, not a mistake
            kind += " unset";
          } else if (code !== "0") {
            text += " (error " + code + ": " + original.GetErrorString(code) + ")";
            kind += " failed";
          }
        }
        entry(text, kind);
        if (generic === "Terminate" && String(result) === "true") finals.set(made, snapshot(made));
        if (made === api && !QUERIES.has(generic) && generic !== "GetValue") paint();
        return result;
      };
    }
    return made;
  }

  /* ---- launching the current build in the frame ---- */
  function blank() {
    return new Promise((resolve) => {
      const done = () => { frame.removeEventListener("load", done); clearTimeout(timer); resolve(); };
      const timer = setTimeout(done, 3000);
      frame.addEventListener("load", done);
      frame.src = "about:blank"; // the course ends its session as it unloads
    });
  }
  async function launch(fresh) {
    if (frame.getAttribute("src") !== "about:blank") {
      const before = terminated;
      await blank();
      // let the old session's terminated arrive before the next launch (cmi5 would abandon it)
      for (let i = 0; !version && terminated === before && i < 20; i++) await new Promise((r) => setTimeout(r, 100));
    }
    const res = await fetch("/_preview/launch" + (fresh ? "?fresh=1" : ""), { method: "POST" });
    const info = await res.json();
    if (!info.build) return;
    if (version) {
      const last = api && (finals.get(api) || {});
      api = makeApi(fresh || !api ? info.initial : relaunch(last, info.initial));
      window[version === "1.2" ? "API" : "API_1484_11"] = api;
      paint();
    }
    if (shown && info.build !== shown) entry("Build " + info.build + ": reloaded", "note");
    shown = info.build;
    $("course-title").textContent = info.title;
    frame.title = "Course: " + info.title;
    frame.src = info.url;
  }
  const enqueue = (fresh) => (queue = queue.then(() => launch(fresh)).catch((e) => entry("Launch failed: " + e, "failed")));

  $("reset").addEventListener("click", () => {
    entry("Reset: a fresh attempt", "note");
    enqueue(true);
  });

  /* ---- what the server says: builds, errors, statements ---- */
  function show(s) {
    const box = $("build-error");
    if (s.error) {
      $("build-error-text").textContent = s.error;
      $("build-kept").textContent = s.build
        ? "The preview keeps showing build " + s.build + ", the last good one, until the error is fixed."
        : "There is nothing to show until the error is fixed.";
    }
    box.hidden = !s.error;
    const text = s.build
      ? "Build " + s.build + " (" + s.seconds + " s)" + (s.error ? "; the latest edit failed" : "") +
        (s.warnings.length ? "; " + s.warnings.length + " warning" + (s.warnings.length > 1 ? "s" : "") : "")
      : s.error ? "No good build yet" : "Building…";
    if (text !== lastStatus) {
      status.textContent = lastStatus = text;
      if (s.build) for (const w of s.warnings) entry("warning: " + w, "warn");
    }
    if (!version) {
      const docs = Object.keys(s.state).length ? JSON.stringify(s.state, null, 2) : "(no State documents yet)";
      if (model.textContent !== docs) model.textContent = docs;
    }
  }
  async function poll() {
    let wait = 400;
    try {
      const res = await fetch("/_preview/events?after=" + after, { cache: "no-store" });
      const s = await res.json();
      for (const st of s.statements) {
        entry(st.text, "statement", JSON.stringify(st.statement, null, 2));
        if (/\/(terminated|suspended)$/.test((st.statement.verb || {}).id || "")) terminated++;
        after = st.seq;
      }
      show(s);
      if (s.build && s.build !== shown && !launching) {
        launching = true;
        enqueue(false).finally(() => { launching = false; });
      }
    } catch (e) {
      status.textContent = lastStatus = "The preview server is not answering (stopped?)";
      wait = 2000;
    }
    setTimeout(poll, wait);
  }
  poll();
})();
