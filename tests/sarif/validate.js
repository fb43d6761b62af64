#!/usr/bin/env node
// Validate SARIF files offline. For each file given:
//  1. JSON Schema: the SARIF 2.1.0 schema shipped with the SARIF SDK (JSON Schema 2020-12 dialect)
//     and the 2.1.0-rtm.5 schema (draft-04) used by SchemaStore, both with Ajv and format checks;
//  2. what GitHub code scanning needs beyond the schema (limits, startLine >= 1, relative or
//     file: URIs, ruleIndex consistency, numeric security-severity, fingerprints), checked here.
// The SARIF SDK multitool's own validator runs from sarif.sh (it is a separate binary).
// Prints one line per file, "ok FILE" or "FAIL FILE: reasons", and exits 1 when any failed.
'use strict';
const fs = require('fs');
const path = require('path');
const Ajv2020 = require('ajv/dist/2020').default;
const AjvDraft04 = require('ajv-draft-04').default;
const addFormats = require('ajv-formats').default;

function load(rel) {
  return JSON.parse(fs.readFileSync(path.join(__dirname, 'node_modules', rel), 'utf8'));
}

const schemas = [];
{
  const s = load('@microsoft/sarif-multitool-linux/sarif-2.1.0.json');
  const ajv = new Ajv2020({ allErrors: true, strict: false });
  addFormats(ajv);
  schemas.push({ name: 'sarif-2.1.0 (SARIF SDK)', validate: ajv.compile(s) });
}
{
  const s = load('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json');
  // its language pattern "^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$" is not valid with the 'u' flag
  // (the final schema fixed it), so this one is compiled as a plain ECMAScript regex
  const ajv = new AjvDraft04({ allErrors: true, strict: false, unicodeRegExp: false });
  addFormats(ajv);
  schemas.push({ name: 'sarif-2.1.0-rtm.5', validate: ajv.compile(s) });
}

// GitHub code scanning limits (docs: "SARIF results exceed limits").
const LIMITS = { runs: 20, results: 25000, rules: 25000, locations: 1000, tags: 20 };

function githubChecks(log) {
  const errs = [];
  if (log.version !== '2.1.0') errs.push(`version is ${log.version}`);
  if (!Array.isArray(log.runs) || log.runs.length < 1) return errs.concat('no runs');
  if (log.runs.length > LIMITS.runs) errs.push(`${log.runs.length} runs > ${LIMITS.runs}`);
  log.runs.forEach((run, ri) => {
    const at = `runs[${ri}]`;
    const driver = run.tool && run.tool.driver;
    if (!driver || driver.name !== 'kguard') errs.push(`${at}.tool.driver.name is not kguard`);
    for (const k of ['informationUri', 'version', 'semanticVersion'])
      if (!driver || typeof driver[k] !== 'string' || !driver[k]) errs.push(`${at}.tool.driver.${k} missing`);
    if (driver && !/^\d+\.\d+\.\d+/.test(driver.semanticVersion || '')) errs.push(`${at} semanticVersion is not semver`);
    const rules = (driver && driver.rules) || [];
    if (rules.length > LIMITS.rules) errs.push(`${at}: ${rules.length} rules > ${LIMITS.rules}`);
    const ids = new Set();
    rules.forEach((r, i) => {
      const rat = `${at}.tool.driver.rules[${i}]`;
      if (ids.has(r.id)) errs.push(`${rat}: duplicate id ${r.id}`);
      ids.add(r.id);
      for (const k of ['shortDescription', 'fullDescription'])
        if (!r[k] || typeof r[k].text !== 'string' || !r[k].text) errs.push(`${rat}.${k}.text missing`);
      if (r.help && typeof r.help.text !== 'string') errs.push(`${rat}.help.text missing`);
      const p = r.properties || {};
      if (!Array.isArray(p.tags) || p.tags.length > LIMITS.tags) errs.push(`${rat}.properties.tags missing or > ${LIMITS.tags}`);
      if (p['security-severity'] !== undefined) {
        const v = p['security-severity'];
        if (typeof v !== 'string' || !/^\d+(\.\d+)?$/.test(v) || +v < 0 || +v > 10)
          errs.push(`${rat}: security-severity ${JSON.stringify(v)} is not a numeric string in 0..10`);
      }
      if (p.precision !== undefined && !['very-high', 'high', 'medium', 'low'].includes(p.precision))
        errs.push(`${rat}: precision ${p.precision}`);
      if (r.helpUri !== undefined && !/^https?:\/\//.test(r.helpUri)) errs.push(`${rat}: helpUri ${r.helpUri} is not absolute`);
    });
    const results = run.results || [];
    if (results.length > LIMITS.results) errs.push(`${at}: ${results.length} results > ${LIMITS.results}`);
    const checkLocations = (locs, where) => {
      if (!Array.isArray(locs)) return;
      if (locs.length > LIMITS.locations) errs.push(`${where}: ${locs.length} locations`);
      locs.forEach((l, li) => {
        const pl = l.physicalLocation;
        const lat = `${where}.locations[${li}]`;
        if (!pl || !pl.artifactLocation || typeof pl.artifactLocation.uri !== 'string') {
          errs.push(`${lat}: no physicalLocation.artifactLocation.uri`);
          return;
        }
        const uri = pl.artifactLocation.uri;
        if (/^[a-zA-Z][a-zA-Z0-9+.-]*:/.test(uri) && !uri.startsWith('file:')) errs.push(`${lat}: ${uri} is neither relative nor file:`);
        if (uri.startsWith('file:') && pl.artifactLocation.uriBaseId) errs.push(`${lat}: absolute uri with uriBaseId`);
        if (/[\s#?\\]/.test(uri)) errs.push(`${lat}: ${uri} is not percent-encoded`);
        try { decodeURIComponent(uri); } catch (e) { errs.push(`${lat}: ${uri} does not decode`); }
        const reg = pl.region;
        if (!reg || !Number.isInteger(reg.startLine) || reg.startLine < 1) errs.push(`${lat}: region.startLine must be >= 1`);
        if (reg && reg.startColumn !== undefined && (!Number.isInteger(reg.startColumn) || reg.startColumn < 1))
          errs.push(`${lat}: startColumn ${reg.startColumn}`);
      });
    };
    const seenFp = new Set();
    results.forEach((res, i) => {
      const rat = `${at}.results[${i}]`;
      if (!res.message || typeof res.message.text !== 'string' || !res.message.text) errs.push(`${rat}.message.text missing`);
      if (!['error', 'warning', 'note'].includes(res.level)) errs.push(`${rat}.level ${res.level}`);
      if (!Number.isInteger(res.ruleIndex) || !rules[res.ruleIndex] || rules[res.ruleIndex].id !== res.ruleId)
        errs.push(`${rat}: ruleIndex ${res.ruleIndex} does not point at rule ${res.ruleId}`);
      if (!Array.isArray(res.locations) || res.locations.length < 1) errs.push(`${rat}: no location`);
      checkLocations(res.locations, rat);
      const fp = res.partialFingerprints || {};
      const keys = Object.keys(fp);
      if (!keys.length) errs.push(`${rat}: no partialFingerprints`);
      for (const k of keys) {
        const key = `${k}=${fp[k]}`;
        if (seenFp.has(key)) errs.push(`${rat}: fingerprint ${key} repeats`);
        seenFp.add(key);
      }
    });
    for (const inv of run.invocations || []) {
      if (typeof inv.executionSuccessful !== 'boolean') errs.push(`${at}: invocation without executionSuccessful`);
      (inv.toolExecutionNotifications || []).forEach((n, i) => {
        const nat = `${at}.invocations.toolExecutionNotifications[${i}]`;
        if (!n.message || !n.message.text) errs.push(`${nat}.message.text missing`);
        checkLocations(n.locations, nat);
      });
      if ((inv.toolExecutionNotifications || []).some((n) => n.level === 'error') && inv.executionSuccessful)
        errs.push(`${at}: error notifications but executionSuccessful`);
    }
  });
  return errs;
}

let failed = 0;
for (const file of process.argv.slice(2)) {
  const errs = [];
  let log;
  try {
    log = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    errs.push(`not JSON: ${e.message}`);
  }
  if (log) {
    for (const s of schemas)
      if (!s.validate(log))
        for (const e of s.validate.errors.slice(0, 10)) errs.push(`${s.name}: ${e.instancePath || '/'} ${e.message}`);
    errs.push(...githubChecks(log));
  }
  if (errs.length) {
    failed++;
    console.log(`FAIL ${file}:\n  ${errs.slice(0, 20).join('\n  ')}`);
  } else {
    console.log(`ok ${file}`);
  }
}
process.exit(failed ? 1 : 0);
