#!/usr/bin/env python3
"""Check field results for `demine update` (data/field/*.csv; format: data/README.md "field/").

Checks: the header; equal field counts; scope is `national` or a region name of the scenario;
period syntax; known quantity with its unit; value and n are plain numbers (n a count, only on
count/proportion quantities); every source key is an entry of docs/SOURCES.md; no repeated
(scope, period, quantity, value, source) row; notes present. Reports the rows per quantity and scope.

Run from the repository root:
    python3 data/check_field.py [data/field/ukraine-2024.csv [scenarios/ukraine-2024.toml]]
Exit status 1 when there are errors.
"""
import collections
import csv
import re
import sys

HEADER = ['scope', 'period', 'quantity', 'value', 'n', 'unit', 'source', 'notes']

# quantity -> allowed units. Keep in step with data/README.md ("field/").
QUANTITIES = {
    # stock of suspected/confirmed land
    'suspected_km2_start': {'km2'},
    'suspected_km2_end': {'km2'},
    'confirmed_km2_end': {'km2'},
    # non-technical survey
    'surveyed_km2': {'km2'},
    'cancelled_km2': {'km2'},
    'hazardous_areas_surveyed': {'count'},
    'hazardous_areas_cancelled': {'count'},
    'hazardous_areas_identified': {'count'},
    'hazardous_km2_identified': {'km2'},
    # technical survey
    'ts_surveyed_km2': {'km2'},
    'reduced_km2': {'km2'},
    # clearance and other physical search of land
    'cleared_km2': {'km2'},
    'inspected_km2': {'km2'},
    'released_km2': {'km2'},
    # effort
    'clearance_team_months': {'team-months'},
    'teams_active': {'count'},
    'deminers': {'persons'},
    'machines': {'count'},
    # items
    'items_destroyed': {'count'},
    'items_per_ha': {'per ha'},
    # money
    'spending_usd': {'USD'},
    'spending_uah': {'UAH'},
    'needs_usd': {'USD'},
    'intl_support_share': {'fraction'},
    # outcomes
    'casualties': {'count'},
}
# Quantities whose `n` (effective sample size) may be filled: counts and proportions.
N_ALLOWED = {'hazardous_areas_surveyed', 'hazardous_areas_cancelled', 'hazardous_areas_identified',
             'items_destroyed', 'casualties', 'intl_support_share'}
FRACTIONS = {'intl_support_share'}

YEAR = r'\d{4}'
MONTH = r'\d{4}-(0[1-9]|1[0-2])'
DAY = r'\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])'
PERIOD = re.compile(rf'^({YEAR}|{YEAR}-H[12]|{MONTH}|{MONTH}\.\.{MONTH}|{DAY}\.\.{DAY})$')
NUMBER = re.compile(r'^-?\d+(\.\d+)?([eE][+-]?\d+)?$')


def region_names(toml_path):
    """Region names of a scenario file ([[regions]] name = "..."), without a TOML library."""
    names, in_region = [], False
    for line in open(toml_path, encoding='utf-8'):
        s = line.strip()
        if s.startswith('[['):
            in_region = s == '[[regions]]'
        elif s.startswith('['):
            in_region = False
        elif in_region:
            m = re.match(r'name\s*=\s*"([^"]*)"', s)
            if m:
                names.append(m.group(1))
    return names


def main():
    path = sys.argv[1] if len(sys.argv) > 1 else 'data/field/ukraine-2024.csv'
    scenario = sys.argv[2] if len(sys.argv) > 2 else 'scenarios/ukraine-2024.toml'
    src = open('docs/SOURCES.md', encoding='utf-8').read()
    keys = set(re.findall(r'^### \[([A-Z0-9][A-Z0-9\-]+)\]', src, flags=re.M))
    scopes = {'national'} | set(region_names(scenario))
    rows = list(csv.reader(open(path, encoding='utf-8', newline='')))
    errs = 0

    def err(line, msg):
        nonlocal errs
        errs += 1
        print(f'{path}:{line}: {msg}')

    if not rows or rows[0] != HEADER:
        err(1, f'header {rows[0] if rows else None} != {HEADER}')
        print('errors', errs)
        return 1
    seen = set()
    per_q = collections.Counter()
    per_scope = collections.Counter()
    for i, r in enumerate(rows[1:], start=2):
        if len(r) != len(HEADER):
            err(i, f'{len(r)} fields, want {len(HEADER)}')
            continue
        d = dict(zip(HEADER, r))
        if d['scope'] not in scopes:
            err(i, f"scope {d['scope']!r} is not 'national' or a region of {scenario}: {sorted(scopes)}")
        if not PERIOD.match(d['period']):
            err(i, f"period {d['period']!r}: want YYYY, YYYY-H1/H2, YYYY-MM, YYYY-MM..YYYY-MM or YYYY-MM-DD..YYYY-MM-DD")
        elif '..' in d['period']:
            a, b = d['period'].split('..')
            if a > b:
                err(i, f"period {d['period']!r} ends before it starts")
        q = d['quantity']
        if q not in QUANTITIES:
            err(i, f'unknown quantity {q!r}')
        elif d['unit'] not in QUANTITIES[q]:
            err(i, f"unit {d['unit']!r} for {q}, want one of {sorted(QUANTITIES[q])}")
        if not NUMBER.match(d['value']):
            err(i, f"value {d['value']!r} is not a plain number")
        else:
            v = float(d['value'])
            if v < 0:
                err(i, f'negative value {v}')
            if q in FRACTIONS and not 0 <= v <= 1:
                err(i, f'{q} {v} outside [0, 1]')
        if d['n']:
            if not re.match(r'^\d+$', d['n']) or int(d['n']) < 1:
                err(i, f"n {d['n']!r} is not a positive integer")
            if q not in N_ALLOWED:
                err(i, f'n given for {q}, which is not a count or proportion')
        srcs = [k.strip() for k in d['source'].split(';') if k.strip()]
        if not srcs:
            err(i, 'no source key')
        for k in srcs:
            if k not in keys:
                err(i, f'source key [{k}] is not an entry of docs/SOURCES.md')
        for k in re.findall(r'\[([A-Z0-9][A-Z0-9\-]+)\]', d['notes']):
            if k not in keys:
                err(i, f'key [{k}] cited in notes is not an entry of docs/SOURCES.md')
        if not d['notes'].strip():
            err(i, 'empty notes (say what the source says)')
        sig = (d['scope'], d['period'], q, d['value'], d['source'])
        if sig in seen:
            err(i, f'repeated row {sig}')
        seen.add(sig)
        per_q[q] += 1
        per_scope[d['scope']] += 1
    print(f'{path}: rows {len(rows) - 1}, errors {errs}')
    print('rows per quantity:', dict(sorted(per_q.items())))
    print('rows per scope:', dict(sorted(per_scope.items())))
    return 1 if errs else 0


if __name__ == '__main__':
    sys.exit(main())
