#!/usr/bin/env node
// One SCORM package from a folder of prebuilt pages with simple-scorm-packager (the peer that
// benchmarks/bench.py times against cpd-pack). Options only, no prompts: it never reads stdin.
//
//   node benchmarks/scorm_peer.js --source SITE --out DIR --title T --identifier ID
//        [--version 1.2|2004.3|2004.4] [--mastery 80] [--start index.html] [--package-version 1.0]
//
// The packager writes imsmanifest.xml, metadata.xml and its XSD files INTO --source, then zips
// that folder to DIR/<title>_v<version>_<date>.zip; give it a fresh copy of the site each run.
// Exit status 0 only when its callback reported "Done" and the zip exists.
"use strict";

const fs = require("fs");
const path = require("path");
const { parseArgs } = require("util");
const scopackager = require("simple-scorm-packager");

const { values: args } = parseArgs({
  options: {
    source: { type: "string" },
    out: { type: "string" },
    title: { type: "string" },
    identifier: { type: "string" },
    version: { type: "string", default: "1.2" },
    mastery: { type: "string", default: "80" },
    start: { type: "string", default: "index.html" },
    language: { type: "string", default: "en" },
    "package-version": { type: "string", default: "1.0" },
  },
  strict: true,
});

for (const name of ["source", "out", "title", "identifier"]) {
  if (!args[name]) {
    console.error(`scorm_peer.js: --${name} is required`);
    process.exit(2);
  }
}

let done = false;
process.on("exit", (code) => {
  // The packager returns without calling back on an unknown SCORM version.
  if (code === 0 && !done) {
    console.error("scorm_peer.js: simple-scorm-packager finished without reporting Done");
    process.exitCode = 1;
  }
});

scopackager(
  {
    version: args.version,
    organization: "cpd-pack benchmark",
    title: args.title,
    language: args.language,
    identifier: args.identifier,
    masteryScore: Number(args.mastery),
    startingPage: args.start,
    source: path.resolve(args.source),
    package: {
      version: args["package-version"],
      zip: true,
      outputFolder: path.resolve(args.out),
      author: "cpd-pack benchmark",
    },
  },
  (message) => {
    const zips = fs.readdirSync(args.out).filter((name) => name.endsWith(".zip"));
    if (message !== "Done" || zips.length !== 1) {
      console.error(`scorm_peer.js: ${message}; zips in ${args.out}: ${zips.join(", ")}`);
      process.exit(1);
    }
    done = true;
    console.log(path.join(args.out, zips[0]));
  },
);
