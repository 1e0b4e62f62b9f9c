/* global process, console */
// Diagnostic: node test/bench/diag/analyze-heap.mjs A.heapsnapshot B.heapsnapshot [paths]
// What B has that A had not (by V8 object id), grouped by type/constructor and by the script
// that owns it (nearest function on the shortest path from the GC roots), plus net totals.
import fs from 'node:fs';

function load(file) {
  const raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  const m = raw.snapshot.meta;
  const nf = m.node_fields.length, ef = m.edge_fields.length;
  const [nType, nName, nId, nSize, nEdges] = ['type', 'name', 'id', 'self_size', 'edge_count'].map((f) => m.node_fields.indexOf(f));
  const [eType, eName, eTo] = ['type', 'name_or_index', 'to_node'].map((f) => m.edge_fields.indexOf(f));
  const ntypes = m.node_types[0], etypes = m.edge_types[0];
  const N = raw.nodes.length / nf;
  const first = new Int32Array(N + 1);
  for (let k = 0, e = 0; k < N; k++) { first[k] = e; e += raw.nodes[k * nf + nEdges] * ef; first[k + 1] = e; }
  const type = (k) => ntypes[raw.nodes[k * nf + nType]];
  const name = (k) => raw.strings[raw.nodes[k * nf + nName]];
  const id = (k) => raw.nodes[k * nf + nId];
  const size = (k) => raw.nodes[k * nf + nSize];
  const etype = (e) => etypes[raw.edges[e + eType]];
  const ename = (e) => { const t = etype(e); return t === 'element' || t === 'hidden' ? `[${raw.edges[e + eName]}]` : raw.strings[raw.edges[e + eName]]; };
  const to = (e) => raw.edges[e + eTo] / nf;
  // Shortest-path tree from the root, ignoring weak edges.
  const parent = new Int32Array(N).fill(-1), parentEdge = new Int32Array(N).fill(-1);
  const seen = new Uint8Array(N); seen[0] = 1;
  let queue = [0];
  while (queue.length) {
    const next = [];
    for (const k of queue) for (let e = first[k]; e < first[k + 1]; e += ef) {
      if (etype(e) === 'weak' || etype(e) === 'shortcut') continue;
      const c = to(e); if (seen[c]) continue; seen[c] = 1; parent[c] = k; parentEdge[c] = e; next.push(c);
    }
    queue = next;
  }
  // Script of each SFI.
  const sfiScript = new Map();
  const short = (u) => (u || '').replace(/^chrome-extension:\/\/[a-p]+\//, 'ext:').replace(/^https?:\/\/127\.0\.0\.1:\d+/, 'page:').slice(0, 60);
  for (let k = 0; k < N; k++) {
    if (!name(k).startsWith('system / SharedFunctionInfo')) continue;
    for (let e = first[k]; e < first[k + 1]; e += ef) if (ename(e) === 'script') {
      const s = to(e);
      for (let e2 = first[s]; e2 < first[s + 1]; e2 += ef) if (ename(e2) === 'name') sfiScript.set(k, short(name(to(e2))) || '(no url)');
    }
  }
  const closureScript = (k) => { for (let e = first[k]; e < first[k + 1]; e += ef) if (ename(e) === 'shared') return sfiScript.get(to(e)); };
  const owner = new Array(N);
  const ownerOf = (k) => {
    const chain = [];
    let c = k, found;
    while (c > 0 && found === undefined) {
      if (owner[c] !== undefined) { found = owner[c]; break; }
      chain.push(c);
      found = sfiScript.get(c) ?? (type(c) === 'closure' ? closureScript(c) : undefined);
      if (found === undefined && type(c) === 'object' && /^Window|global/.test(name(c))) found = `global:${name(c).slice(0, 40)}`;
      c = parent[c];
    }
    found ??= '(unreached/root)';
    for (const x of chain) owner[x] = found;
    return found;
  };
  return { N, type, name, id, size, parent, parentEdge, ename, first, ef, to, ownerOf };
}

const groupOf = (s, k) => {
  const t = s.type(k);
  if (t.includes('string')) return `string`;
  if (t === 'object' || t === 'closure' || t === 'regexp') return `${t}:${s.name(k).slice(0, 50)}`;
  if (t === 'code' || t === 'hidden' || t === 'array') return `${t}:${s.name(k).replace(/ \/ .*?(\/|$)/, (x) => x).slice(0, 50)}`;
  return t;
};
const kindOf = (t) => (t === 'native' || t === 'synthetic' || t === 'hidden' ? null : t === 'code' ? 'code' : t.includes('string') ? 'strings' : t === 'object shape' ? 'shapes' : 'objects');

const [fa, fb, withPaths] = process.argv.slice(2);
if (fb === undefined) {
  // One snapshot: what it holds, by owner and kind, and by owner and group.
  const S = load(fa);
  const byOk = new Map(), byG = new Map();
  for (let k = 0; k < S.N; k++) {
    const kd = kindOf(S.type(k)); if (!kd) continue;
    const o = S.ownerOf(k);
    byOk.set(`${o} | ${kd}`, (byOk.get(`${o} | ${kd}`) ?? 0) + S.size(k));
    const g = `${o} | ${groupOf(S, k).replace(/@\d+/, '')}`; byG.set(g, (byG.get(g) ?? 0) + S.size(k));
  }
  const top = (m, n) => [...m.entries()].sort((a, b) => b[1] - a[1]).slice(0, n).map(([k, v]) => `  ${(v / 1024).toFixed(1).padStart(8)} kB  ${k}`).join('\n');
  console.log('by owner | kind:\n' + top(byOk, 30));
  console.log('by owner | group:\n' + top(byG, 40));
  process.exit(0);
}
const A = load(fa), B = load(fb);
const idsA = new Set(); for (let k = 0; k < A.N; k++) idsA.add(A.id(k));
const tot = (s) => { const r = { code: 0, strings: 0, objects: 0, shapes: 0 }; for (let k = 0; k < s.N; k++) { const kd = kindOf(s.type(k)); if (kd) r[kd] += s.size(k); } return r; };
const ta = tot(A), tb = tot(B);
console.log('net by kind (kB):', Object.fromEntries(Object.keys(ta).map((x) => [x, ((tb[x] - ta[x]) / 1024).toFixed(1)])));
const netOf = (s) => { const byOk = new Map(), byG = new Map(); for (let k = 0; k < s.N; k++) { const kd = kindOf(s.type(k)); if (!kd) continue; const sz = s.size(k); const ok = `${s.ownerOf(k)} | ${kd}`; byOk.set(ok, (byOk.get(ok) ?? 0) + sz); const g = `${s.ownerOf(k)} | ${groupOf(s, k).replace(/@\d+/, '')}`; byG.set(g, (byG.get(g) ?? 0) + sz); } return { byOk, byG }; };
const na = netOf(A), nb = netOf(B);
const diff = (ma, mb) => { const d = new Map(); for (const [k, v] of mb) d.set(k, v - (ma.get(k) ?? 0)); for (const [k, v] of ma) if (!mb.has(k)) d.set(k, -v); return d; };
const topAbs = (m, n) => [...m.entries()].sort((a, b) => Math.abs(b[1]) - Math.abs(a[1])).slice(0, n).map(([k, v]) => `  ${(v / 1024).toFixed(1).padStart(8)} kB  ${k}`).join('\n');
console.log('NET by owner | kind:\n' + topAbs(diff(na.byOk, nb.byOk), 14));
console.log('NET by owner | group:\n' + topAbs(diff(na.byG, nb.byG), 30));
if (process.env.ONLY_NET) process.exit(0);
const newBy = new Map(), newByOwner = new Map(), newByOwnerKind = new Map(), samples = new Map();
let newTotal = 0;
for (let k = 0; k < B.N; k++) {
  if (idsA.has(B.id(k))) continue;
  const kd = kindOf(B.type(k)); if (!kd) continue;
  const sz = B.size(k); newTotal += sz;
  const g = groupOf(B, k); newBy.set(g, (newBy.get(g) ?? 0) + sz);
  const o = B.ownerOf(k); newByOwner.set(o, (newByOwner.get(o) ?? 0) + sz);
  const ok = `${o} | ${kd}`; newByOwnerKind.set(ok, (newByOwnerKind.get(ok) ?? 0) + sz);
  const sk = `${o} | ${g}`; const arr = samples.get(sk) ?? { n: 0, size: 0, ks: [] }; arr.n++; arr.size += sz; if (arr.ks.length < 3) arr.ks.push(k); else if (Math.random() < 0.01) arr.ks[2] = k; samples.set(sk, arr);
}
const top = (m, n) => [...m.entries()].sort((a, b) => b[1] - a[1]).slice(0, n).map(([k, v]) => `  ${(v / 1024).toFixed(1).padStart(8)} kB  ${k}`).join('\n');
console.log(`new objects: ${(newTotal / 1024).toFixed(1)} kB`);
console.log('new by owner:\n' + top(newByOwner, 12));
console.log('new by owner | kind:\n' + top(newByOwnerKind, 20));
console.log('new by group:\n' + top(newBy, 30));
const path = (s, k) => { const out = []; let c = k; for (let i = 0; i < 14 && c > 0; i++) { out.push(`${s.type(c)}:${s.name(c).slice(0, 40).replace(/\n/g, ' ')}`); const e = s.parentEdge[c]; if (e < 0) break; out.push(`.${String(s.ename(e)).slice(0, 30)}`); c = s.parent[c]; } return out.reverse().join(' '); };
if (withPaths) {
  const list = [...samples.entries()].sort((a, b) => b[1].size - a[1].size).slice(0, Number(withPaths) || 25);
  for (const [g, v] of list) {
    console.log(`\n== ${(v.size / 1024).toFixed(1)} kB, ${v.n} nodes: ${g}`);
    for (const k of v.ks) console.log(`   ${B.size(k)} B  ${path(B, k)}`);
  }
}
