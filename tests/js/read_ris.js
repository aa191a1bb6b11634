// Reads RIS files with citation-js (@citation-js/plugin-ris), an independent RIS reader.
//
// Usage: node read_ris.js FILE...   (or the file names, one per line, on stdin)
// Prints one JSON object: {"files": {FILE: {"records": [...], "csl": [...]}}}
//   records: each record's tags as citation-js's RIS parser reads them, {TAG: [values]}
//   csl:     each record as citation-js maps it to CSL-JSON (what Zotero-like tools see)
// A file citation-js cannot read gets {"error": "..."}. Many files per call: node starts once.
'use strict';
const fs = require('fs');
const { plugins } = require('@citation-js/core');
require('@citation-js/plugin-ris');
const ris = require('@citation-js/plugin-ris/lib/ris.js');

function tags(entry) {
  const out = {};
  for (const [tag, value] of Object.entries(entry)) {
    out[tag] = [].concat(value);
  }
  return out;
}

function readOne(file) {
  const text = fs.readFileSync(file, 'utf8');
  try {
    const records = ris.parse(text).map(tags);
    const csl = plugins.input.chain(text, {
      forceType: '@ris/file',
      target: '@csl/list+object',
      generateGraph: false,
    });
    return { records, csl };
  } catch (error) {
    return { error: String(error && error.stack ? error.stack : error) };
  }
}

function main() {
  let files = process.argv.slice(2);
  if (files.length === 0) {
    files = fs.readFileSync(0, 'utf8').split('\n').filter((line) => line.trim());
  }
  const out = {};
  for (const file of files) {
    out[file] = readOne(file);
  }
  process.stdout.write(JSON.stringify({ files: out }));
}

main();
