import csv, re, sys, collections
# Check data/completions.csv: header, field counts, numbers parse, source keys exist in docs/SOURCES.md,
# 2 <= completion_year - state_year <= 8, a driver (funding or deminers) on every row, one main row per
# programme. Run from the repository root: python3 data/check_completions.py
path = sys.argv[1] if len(sys.argv) > 1 else 'data/completions.csv'
HEADER = ['country', 'completion_year', 'completion_source', 'state_year', 'remaining_km2', 'remaining_source',
          'funding_usd', 'funding_year', 'funding_source', 'deminers', 'deminers_source', 'hazard_mix', 'notes']
src = open('docs/SOURCES.md', encoding='utf-8').read()
keys = set(re.findall(r'\[([A-Z0-9][A-Z0-9\-]+)\]', src))
rows = list(csv.reader(open(path, encoding='utf-8', newline='')))
errs = 0
def err(line, msg):
    global errs
    print('line', line, msg); errs += 1
if rows[0] != HEADER:
    err(1, 'header %r != %r' % (rows[0], HEADER))
main = collections.Counter(); progs = collections.Counter(); seen = set()
for i, r in enumerate(rows[1:], start=2):
    if len(r) != len(HEADER):
        err(i, 'fields %d != %d' % (len(r), len(HEADER))); continue
    d = dict(zip(HEADER, r))
    if not d['country']: err(i, 'empty country')
    ints = {}
    for c in ['completion_year', 'state_year', 'funding_year', 'deminers']:
        if d[c] != '':
            try: ints[c] = int(d[c])
            except ValueError: err(i, '%s not an integer: %r' % (c, d[c]))
    for c in ['remaining_km2', 'funding_usd']:
        if d[c] != '':
            try:
                if float(d[c]) < 0: err(i, '%s negative' % c)
            except ValueError: err(i, '%s not a number: %r' % (c, d[c]))
    for c in ['completion_year', 'state_year', 'remaining_km2']:
        if d[c] == '': err(i, '%s empty' % c)
    if 'completion_year' in ints and 'state_year' in ints:
        gap = ints['completion_year'] - ints['state_year']
        if not ints['state_year'] < ints['completion_year']: err(i, 'state_year not before completion_year')
        elif not 2 <= gap <= 8: err(i, 'completion_year - state_year = %d, not in 2..8' % gap)
    if (d['country'], d['state_year']) in seen: err(i, 'duplicate country/state_year')
    seen.add((d['country'], d['state_year']))
    # every value carries its source key(s); every key exists in docs/SOURCES.md
    for val, srccol in [('completion_year', 'completion_source'), ('remaining_km2', 'remaining_source'),
                        ('funding_usd', 'funding_source'), ('deminers', 'deminers_source')]:
        if d[val] != '' and d[srccol] == '': err(i, '%s without %s' % (val, srccol))
        if d[val] == '' and d[srccol] != '': err(i, '%s given but %s empty' % (srccol, val))
        for k in filter(None, d[srccol].split(';')):
            if k not in keys: err(i, 'unknown key %s in %s' % (k, srccol))
    if (d['funding_usd'] == '') != (d['funding_year'] == ''): err(i, 'funding_usd and funding_year must go together')
    if d['funding_usd'] == '' and d['deminers'] == '': err(i, 'no driver (funding_usd or deminers)')
    toks = d['hazard_mix'].split('+')
    if not d['hazard_mix'] or any(t not in ('mines', 'cmr', 'uxo') for t in toks) or len(set(toks)) != len(toks):
        err(i, 'bad hazard_mix %r' % d['hazard_mix'])
    if not d['notes']: err(i, 'empty notes')
    # keys cited in notes (upper-case tokens with a dash and a digit) must exist too
    for k in re.findall(r'\b([A-Z][A-Z0-9]*-[A-Z0-9\-]*[0-9][A-Z0-9\-]*)\b', d['notes']):
        if k not in keys: err(i, 'notes cite unknown key %s' % k)
    progs[d['country']] += 1
    if d['notes'].startswith('Main row'): main[d['country']] += 1
    elif not d['notes'].startswith('Secondary row'): err(i, 'notes must start with "Main row" or "Secondary row"')
for c in progs:
    if main[c] != 1: print('programme', c, 'has', main[c], 'main rows'); errs += 1
print('rows', len(rows) - 1, 'programmes', len(progs), 'errors', errs)
print('rows per programme:', dict(progs))
sys.exit(1 if errs else 0)
