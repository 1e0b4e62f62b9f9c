/* global process, console */
// Diagnostic: node test/bench/diag/code-tiers.mjs snap-*.heapsnapshot
// Compiled code per snapshot by the extension's script and by tier: bytecode (+ its tables),
// feedback, baseline machine code (Sparkplug: Code with a bytecode_offset_table) and optimized
// machine code (Maglev/TurboFan: Code with deoptimization_data). Sizes in kB.
import fs from 'node:fs';

function tiers(file) {
  const raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  const m = raw.snapshot.meta, nf = m.node_fields.length, ef = m.edge_fields.length;
  const [nT, nN, nS, nE] = ['type', 'name', 'self_size', 'edge_count'].map((f) => m.node_fields.indexOf(f));
  const [eT, eN, eTo] = ['type', 'name_or_index', 'to_node'].map((f) => m.edge_fields.indexOf(f));
  const N = raw.nodes.length / nf;
  const first = new Int32Array(N + 1);
  for (let k = 0, e = 0; k < N; k++) { first[k] = e; e += raw.nodes[k * nf + nE] * ef; first[k + 1] = e; }
  const type = (k) => m.node_types[0][raw.nodes[k * nf + nT]];
  const name = (k) => raw.strings[raw.nodes[k * nf + nN]];
  const size = (k) => raw.nodes[k * nf + nS];
  const ename = (e) => { const t = m.edge_types[0][raw.edges[e + eT]]; return t === 'element' || t === 'hidden' ? '' : raw.strings[raw.edges[e + eN]]; };
  const to = (e) => raw.edges[e + eTo] / nf;
  const edges = function* (k) { for (let e = first[k]; e < first[k + 1]; e += ef) yield [ename(e), to(e)]; };
  const script = new Array(N);
  for (let k = 0; k < N; k++) {
    if (!name(k).startsWith('system / SharedFunctionInfo')) continue;
    for (const [n, s] of edges(k)) if (n === 'script') for (const [n2, u] of edges(s)) if (n2 === 'name') script[k] = (name(u).match(/src\/[\w/-]+\.js/) ?? ['other'])[0];
  }
  const out = {};
  const perFn = new Map();
  let currentFn = '';
  const add = (s, tier, bytes) => {
    if (tier === 'baseline' || tier === 'optimized') { const key = `${s} ${tier} ${currentFn}`; perFn.set(key, (perFn.get(key) ?? 0) + bytes); } const o = (out[s] ??= { bytecode: 0, feedback: 0, baseline: 0, optimized: 0, other: 0 }); o[tier] += bytes; };
  const tierOfCode = (c) => { for (const [n] of edges(c)) { if (n === 'bytecode_offset_table') return 'baseline'; if (n === 'deoptimization_data') return 'optimized'; } return 'other'; };
  const seen = new Uint8Array(N);
  /**
   * Code objects below `c` (not other functions' parts) counted to script `s` by tier, a few
   * levels down; from a function's own data a BytecodeArray is bytecode, from a closure it keeps
   * the tier it was reached with.
   */
  const walk = (s, c, tier, depth, fromFunction) => {
    if (seen[c] || type(c) !== 'code' || depth > 3) return;
    if (name(c).startsWith('system / SharedFunctionInfo') || name(c).startsWith('system / Script')) return;
    seen[c] = 1;
    const n = name(c);
    let t = tier;
    if (n === 'system / Code') t = tierOfCode(c);
    else if (n.startsWith('system / FeedbackVector') || n.startsWith('system / FeedbackCell') || n.startsWith('system / ClosureFeedbackCellArray')) t = 'feedback';
    else if (fromFunction && n.startsWith('system / BytecodeArray')) t = 'bytecode';
    add(s, t, size(c));
    for (const [, d] of edges(c)) walk(s, d, t, depth + 1, fromFunction);
  };
  for (let k = 0; k < N; k++) {
    if (script[k] === undefined) continue;
    const s = script[k];
    currentFn = name(k).replace('system / SharedFunctionInfo', '').trim() || '(anonymous)';
    // The SFI's own data: bytecode (function_data / trusted_function_data), its tables, feedback metadata.
    for (const [, d] of edges(k)) walk(s, d, 'bytecode', 0, true);
  }
  // Closures' feedback and code reached from them.
  for (let k = 0; k < N; k++) {
    if (type(k) !== 'closure') continue;
    let s;
    for (const [n, d] of edges(k)) if (n === 'shared') { s = script[d]; currentFn = name(d).replace('system / SharedFunctionInfo', '').trim() || '(anonymous)'; }
    if (s === undefined) continue;
    for (const [, d] of edges(k)) walk(s, d, 'feedback', 0, false);
  }
  if (process.env.TOP_FUNCTIONS) console.log([...perFn.entries()].filter(([k]) => k.includes(process.env.TOP_FUNCTIONS)).sort((a, b) => b[1] - a[1]).slice(0, 40).map(([k, v]) => `${(v / 1024).toFixed(1).padStart(6)} kB  ${k}`).join('\n'));
  return out;
}

const rows = process.argv.slice(2).map((f) => [f.match(/(\d+)\.heapsnapshot$/)?.[1] ?? f, tiers(f)]);
const scripts = [...new Set(rows.flatMap(([, t]) => Object.keys(t)))].filter((s) => s.startsWith('src/'));
const kB = (b) => (b / 1024).toFixed(0).padStart(5);
for (const s of scripts) {
  console.log(`\n${s}\n calls  bytecode feedback baseline optimized other  total`);
  for (const [c, t] of rows) { const o = t[s] ?? { bytecode: 0, feedback: 0, baseline: 0, optimized: 0, other: 0 }; console.log(`${String(c).padStart(6)}  ${kB(o.bytecode)}    ${kB(o.feedback)}    ${kB(o.baseline)}    ${kB(o.optimized)}   ${kB(o.other)}  ${kB(Object.values(o).reduce((a, b) => a + b, 0))}`); }
}
