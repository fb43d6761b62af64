// Runs dockerfilelint and dockerfile-utils on the files named on the command line and prints one
// JSON object per file: {file, dockerfilelint: {error, items: [{rule, line}]}, dockerfile_utils: ...}.
// A thrown exception is recorded as `error` (a crash of that tool on that file).
'use strict';
const fs = require('fs');
const path = require('path');
const dfl = require('dockerfilelint');
const dfu = require('dockerfile-utils');

const codes = {};
for (const [name, value] of Object.entries(dfu.ValidationCode)) {
  if (typeof value === 'number' && !(value in codes)) codes[value] = name;
}

function run(fn) {
  try {
    return { error: null, items: fn() };
  } catch (e) {
    return { error: String(e && e.message || e).split('\n')[0], items: [] };
  }
}

const norc = path.join(__dirname, 'no-such-config-dir');
for (const file of process.argv.slice(2)) {
  const content = fs.readFileSync(file, 'utf8');
  const a = run(() => dfl.run(norc, content).map(i => ({ rule: i.rule, line: i.line, title: i.title })));
  const b = run(() => dfu.validate(content).map(d => ({
    rule: codes[d.code] || String(d.code), line: d.range.start.line + 1, severity: d.severity, title: d.message })));
  process.stdout.write(JSON.stringify({ file, dockerfilelint: a, dockerfile_utils: b }) + '\n');
}
