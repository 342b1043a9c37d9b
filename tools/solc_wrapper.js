#!/usr/bin/env node
// SPDX-License-Identifier: MIT
//
// A `solc`-compatible front for solc-js (the npm `solc` package), for crytic-compile's
// `solc=` option. crytic-compile 0.4.2 runs `solc --version` and
// `solc --standard-json --allow-paths <dir>` with the Standard JSON input on stdin
// (/work/shared/design/fuzzing.md §5). solcjs's own CLI rejects `--allow-paths` and prints an
// extra line before the JSON, so this wrapper:
//   1. on `--version`, prints the compiler's version string (it contains X.Y.Z);
//   2. on `--standard-json`, ignores every other argument, reads the input from stdin, replaces
//      each source's `urls` with the file's `content`, and compiles with an import callback that
//      resolves paths against the working directory and node_modules;
//   3. prints only the output JSON.
"use strict";

const fs = require("fs");
const path = require("path");
const solc = require("solc");

function candidates(importPath) {
  const roots = [process.cwd(), path.join(process.cwd(), "node_modules")];
  if (path.isAbsolute(importPath)) {
    return [importPath];
  }
  return roots.map((root) => path.join(root, importPath));
}

function readSource(importPath) {
  for (const candidate of candidates(importPath)) {
    if (fs.existsSync(candidate) && fs.statSync(candidate).isFile()) {
      return { contents: fs.readFileSync(candidate, "utf8") };
    }
  }
  return { error: `File not found: ${importPath}` };
}

function inlineUrls(input) {
  for (const [name, source] of Object.entries(input.sources || {})) {
    if (source.content === undefined && Array.isArray(source.urls)) {
      let found = null;
      for (const url of source.urls) {
        const result = readSource(url);
        if (result.contents !== undefined) {
          found = result.contents;
          break;
        }
      }
      if (found === null) {
        throw new Error(`cannot read source ${name} from ${source.urls.join(", ")}`);
      }
      input.sources[name] = { content: found };
    }
  }
  return input;
}

function main(argv) {
  if (argv.includes("--version")) {
    process.stdout.write(`solc, the solidity compiler commandline interface\nVersion: ${solc.version()}\n`);
    return 0;
  }
  if (!argv.includes("--standard-json")) {
    process.stderr.write("solc_wrapper.js: only --version and --standard-json are supported\n");
    return 2;
  }
  const input = inlineUrls(JSON.parse(fs.readFileSync(0, "utf8")));
  const output = solc.compile(JSON.stringify(input), { import: readSource });
  process.stdout.write(output + "\n");
  return 0;
}

process.exitCode = main(process.argv.slice(2));
