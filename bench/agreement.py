#!/usr/bin/env python3
"""Agreement between kguard and the labelled examples of Kyverno and Gatekeeper policies.

For every peer policy mapped in bench/agreement-map.tsv, every object of its labelled examples
(kyverno-policies: .chainsaw-test/*good* and *bad*; gatekeeper-library: samples/*/example_allowed*
and example_disallowed*) is scanned with kguard, and the object counts as flagged when a finding of
one of the mapped rules names it. Bad objects should be flagged, good ones should not.

Kyverno test folders hold setup resources too (a NetworkPolicy a good Deployment relies on, a
Namespace): the other YAML files of the folder are scanned in the same run as context, and only
findings on the labelled file count. Identical example files (the same policy ships as Kyverno,
CEL and ValidatingPolicy variants) are counted once.

Usage: bench/agreement.py [--kguard PATH] [--corpus DIR] [--details FILE]
Prints a Markdown table; --details writes one line per disagreement (TSV).
Needs python3 with PyYAML (Debian: python3-yaml).
"""
import argparse
import fnmatch
import hashlib
import json
import os
import subprocess
import sys

import yaml

HERE = os.path.dirname(os.path.abspath(__file__))


def load_map(path):
    rows = []
    with open(path) as f:
        for line in f:
            line = line.rstrip('\n')
            if not line or line.startswith('#'):
                continue
            cols = line.split('\t')
            rows.append((cols[0], cols[1], cols[2].split(','), cols[3].split() if len(cols) > 3 and cols[3] else []))
    return rows


def label_of(base, source):
    b = base.lower()
    if source == 'gatekeeper':
        if b.startswith('example_disallowed'):
            return 'bad'
        if b.startswith('example_allowed'):
            return 'good'
        return None
    if 'bad' in b:
        return 'bad'
    if 'good' in b:
        return 'good'
    return None


def examples(corpus):
    """Yield (source, policy, label, path, context paths)."""
    kroot = os.path.join(corpus, 'kyverno-policies')
    for dirpath, dirnames, filenames in os.walk(kroot):
        dirnames.sort()
        if os.path.basename(dirpath) != '.chainsaw-test':
            continue
        policy = os.path.basename(os.path.dirname(dirpath))
        yamls = sorted(f for f in filenames if f.endswith(('.yaml', '.yml')))
        labelled = [f for f in yamls if label_of(f, 'kyverno')]
        context = [os.path.join(dirpath, f) for f in yamls if f not in labelled and f != 'chainsaw-test.yaml']
        for f in labelled:
            yield 'kyverno', policy, label_of(f, 'kyverno'), os.path.join(dirpath, f), context
    groot = os.path.join(corpus, 'gatekeeper-library', 'library')
    for dirpath, dirnames, filenames in os.walk(groot):
        dirnames.sort()
        if os.path.basename(os.path.dirname(dirpath)) != 'samples':
            continue
        policy = os.path.basename(os.path.dirname(os.path.dirname(dirpath)))
        for f in sorted(filenames):
            lab = label_of(f, 'gatekeeper')
            if lab and f.endswith(('.yaml', '.yml')):
                yield 'gatekeeper', policy, lab, os.path.join(dirpath, f), []


def objects(path):
    """Identities (kind, namespace, name) of the objects in a file; AdmissionReviews are counted apart."""
    out, skipped = [], 0
    try:
        with open(path) as f:
            docs = list(yaml.safe_load_all(f))
    except yaml.YAMLError:
        return out, skipped
    for d in docs:
        if not isinstance(d, dict) or 'kind' not in d:
            continue
        items = d.get('items') if str(d.get('kind', '')).endswith('List') and isinstance(d.get('items'), list) else [d]
        for o in items:
            if not isinstance(o, dict):
                continue
            if o.get('kind') == 'AdmissionReview':
                skipped += 1
                continue
            meta = o.get('metadata') or {}
            ident = (o.get('kind'), meta.get('namespace'), meta.get('name') or meta.get('generateName'))
            if ident not in out:
                out.append(ident)
    return out, skipped


def scan(kguard, opts, files):
    p = subprocess.run([kguard, 'scan', '--no-policy', '-f', 'json'] + opts + files, capture_output=True, text=True)
    if p.returncode not in (0, 1, 2):
        sys.exit(f'kguard failed ({p.returncode}) on {files}: {p.stderr}')
    return json.loads(p.stdout)['findings']


def splice(doc, table):
    """Replace the text between the table markers of doc with table."""
    start, end = '<!-- agreement-table:start -->', '<!-- agreement-table:end -->'
    with open(doc) as f:
        text = f.read()
    a, b = text.index(start) + len(start), text.index(end)
    with open(doc, 'w') as f:
        f.write(text[:a] + '\n' + table + '\n' + text[b:])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--kguard', default=os.path.join(HERE, '..', 'kguard'))
    ap.add_argument('--corpus', default=os.path.join(HERE, '..', '..', 'shared', 'corpus'))
    ap.add_argument('--map', default=os.path.join(HERE, 'agreement-map.tsv'))
    ap.add_argument('--details')
    ap.add_argument('--doc', help='also replace the table between the markers in this Markdown file')
    a = ap.parse_args()
    mapping = {(s, p): (rules, opts) for s, p, rules, opts in load_map(a.map)}
    known = set(r['id'] for r in json.loads(subprocess.run([a.kguard, 'rules', '--format', 'json'],
                                                           capture_output=True, text=True).stdout))
    stats = {}
    details = []
    seen = set()
    uncovered = set()
    for source, policy, label, path, context in examples(a.corpus):
        key = (source, policy)
        if key not in mapping:
            uncovered.add(key)
            continue
        rules, opts = mapping[key]
        present = [r for r in rules if any(fnmatch.fnmatchcase(k, r) for k in known)]
        with open(path, 'rb') as f:
            digest = hashlib.sha1(f.read()).hexdigest()
        if (key, label, digest) in seen:
            continue
        seen.add((key, label, digest))
        st = stats.setdefault(key, {'bad': 0, 'bad_flagged': 0, 'good': 0, 'good_passed': 0, 'skipped': 0,
                                    'rules': rules, 'present': present})
        idents, skipped = objects(path)
        st['skipped'] += skipped
        if not idents:
            continue
        findings = scan(a.kguard, opts, context + [path]) if present else []
        for ident in idents:
            hits = sorted(set(f['rule'] for f in findings
                              if f['file'] == path and (f['object']['kind'], f['object']['namespace'], f['object']['name']) == ident
                              and any(fnmatch.fnmatchcase(f['rule'], r) for r in rules)))
            flagged = bool(hits)
            st[label] += 1
            if label == 'bad' and flagged:
                st['bad_flagged'] += 1
            elif label == 'good' and not flagged:
                st['good_passed'] += 1
            else:
                others = sorted(set(f['rule'] for f in findings if f['file'] == path and
                                    (f['object']['kind'], f['object']['namespace'], f['object']['name']) == ident))
                details.append('\t'.join([source, policy, label, os.path.relpath(path, a.corpus),
                                          '%s %s/%s' % ident, ','.join(hits) or '-', ','.join(others) or '-']))
    tb = tbf = tg = tgp = 0
    out = ['| source | policy | kguard rules | bad flagged | good passed | agreement |', '|---|---|---|---|---|---|']
    for (source, policy), st in sorted(stats.items()):
        total = st['bad'] + st['good']
        agree = st['bad_flagged'] + st['good_passed']
        rules = ', '.join('`%s`' % r for r in st['rules'])
        if not st['present']:
            rules += ' (not in this build)'
        pct = '%d%%' % round(100 * agree / total) if total else '-'
        out.append(f"| {source} | {policy} | {rules} | {st['bad_flagged']}/{st['bad']} | {st['good_passed']}/{st['good']} | {pct} |")
        tb += st['bad']
        tbf += st['bad_flagged']
        tg += st['good']
        tgp += st['good_passed']
    total = tb + tg
    out.append(f"| **all** | {len(stats)} policies | | **{tbf}/{tb}** | **{tgp}/{tg}** | "
               f"**{round(100 * (tbf + tgp) / total) if total else 0}%** |")
    out.append('')
    out.append(f'Policies with labelled examples but no kguard equivalent mapped: {len(uncovered)} '
               f"({sum(1 for s, _ in uncovered if s == 'kyverno')} Kyverno, {sum(1 for s, _ in uncovered if s == 'gatekeeper')} Gatekeeper).")
    print('\n'.join(out))
    if a.doc:
        splice(a.doc, '\n'.join(out))
    if a.details:
        with open(a.details, 'w') as f:
            f.write('source\tpolicy\tlabel\tfile\tobject\tmapped rules fired\tall rules fired\n')
            f.write('\n'.join(details) + ('\n' if details else ''))


if __name__ == '__main__':
    main()
