import csv,re,sys,collections
# Check data/programmes.csv: equal field counts, numeric cells parse, source keys exist in docs/SOURCES.md,
# usable records (area + driver) and countries. Run from the repository root: python3 data/check_programmes.py
path=sys.argv[1] if len(sys.argv)>1 else 'data/programmes.csv'
src=open('docs/SOURCES.md',encoding='utf-8').read()
keys=set(re.findall(r'\[([A-Z0-9][A-Z0-9\-]+)\]',src))
rows=list(csv.reader(open(path,encoding='utf-8',newline='')))
h=rows[0]; n=len(h); errs=0
num=['year','released_km2','cancelled_km2','reduced_km2','cleared_km2','deminers','teams','funding','items_destroyed','suspected_start_km2','confirmed_start_km2','funding_national','funding_international']
usable=[];per=collections.Counter();allc=collections.Counter();years=[];mixes=collections.Counter();seen=set()
for i,r in enumerate(rows[1:],start=2):
    if len(r)!=n: print('line',i,'fields',len(r),'!=',n); errs+=1; continue
    d=dict(zip(h,r))
    if (d['country'],d['year']) in seen: print('dup',i,d['country'],d['year']); errs+=1
    seen.add((d['country'],d['year']))
    for c in num:
        if c in d and d[c]!='':
            try: float(d[c])
            except: print('line',i,c,repr(d[c])); errs+=1
    for c in ['source_release','source_staff','source_funding']:
        for k in filter(None,d[c].split(';')):
            if k not in keys: print('line',i,'unknown key',k); errs+=1
    if d['funding'] and not d['funding_currency']: print('line',i,'funding w/o currency'); errs+=1
    area = d['released_km2'] or d['cleared_km2']
    drv = (d['funding'] and d['funding_currency']) or d['deminers'] or d['teams']
    allc[d['country']]+=1; years.append(int(d['year'])); mixes[d['hazard_mix']]+=1
    if area and drv: usable.append(d); per[d['country']]+=1
print('header fields',n,'rows',len(rows)-1,'errors',errs)
print('usable',len(usable),'countries(usable)',len(per),'countries(all)',len(allc))
print('years',min(years),max(years),'usable>=2010',sum(1 for d in usable if int(d['year'])>=2010))
print('rows per country:',dict(sorted(allc.items())))
print('usable per country:',dict(sorted(per.items())))
print('hazard mixes:',dict(mixes))
filled={c:sum(1 for r in rows[1:] if len(r)==n and r[h.index(c)]!='') for c in h}
print('filled:',filled)
