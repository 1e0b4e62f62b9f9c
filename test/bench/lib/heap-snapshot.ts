/**
 * What a page's renderer heap holds, from a V8 heap snapshot (CDP HeapProfiler): the objects one
 * snapshot has that an earlier one of the same page had not (V8 keeps an object's id across
 * snapshots), summed by kind. It tells compiled code (bytecode and the machine code V8 makes of
 * functions once they are hot) from the data a script keeps, which the heap's size alone cannot.
 * Only V8 heap objects count (what Runtime.getHeapUsage reports), not the DOM's own objects.
 */
import type { CDPSession } from 'playwright-core';

export interface HeapSnapshot {
  ids: Set<number>;
  /** Per node: id, self size and kind, for the nodes of the V8 heap; for compiled code, the script it was compiled from (its URL's path). */
  nodes: { id: number; size: number; kind: HeapKind; script?: string }[];
  /** Bytes of compiled code by tier (see CodeTier). */
  tiers: Record<CodeTier, number>;
}

/**
 * What V8 compiles a function to, in the order it does: bytecode (with its tables) when it first
 * runs, then feedback (a vector per closure of a function that ran a few times), baseline machine
 * code (Sparkplug: a Code object with a bytecode offset table), and optimized machine code for the
 * hot ones (Maglev / TurboFan: a Code object with deoptimization data). Growth that is all
 * optimized code is V8 tiering up hot functions, which ends once they all are.
 */
export type CodeTier = 'bytecode' | 'feedback' | 'baseline' | 'optimized' | 'otherCode';

export type HeapKind = 'code' | 'strings' | 'objects' | 'shapes';

interface RawSnapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[]]; edge_fields: string[]; edge_types: [string[]] } };
  nodes: number[];
  edges: number[];
  strings: string[];
}

function kindOf(type: string): HeapKind | undefined {
  if (type === 'native' || type === 'synthetic' || type === 'hidden') return undefined;
  if (type === 'code') return 'code';
  if (type.includes('string')) return 'strings';
  if (type === 'object shape') return 'shapes';
  return 'objects';
}

/** Takes a heap snapshot of the page behind `cdp` (a full GC comes with it). */
export async function takeHeapSnapshot(cdp: CDPSession): Promise<HeapSnapshot> {
  const chunks: string[] = [];
  const onChunk = (event: { chunk: string }) => void chunks.push(event.chunk);
  cdp.on('HeapProfiler.addHeapSnapshotChunk', onChunk);
  try {
    await cdp.send('HeapProfiler.takeHeapSnapshot', { reportProgress: false });
  } finally {
    cdp.off('HeapProfiler.addHeapSnapshotChunk', onChunk);
  }
  const raw = JSON.parse(chunks.join('')) as RawSnapshot;
  const fields = raw.snapshot.meta.node_fields;
  const types = raw.snapshot.meta.node_types[0];
  const [iType, iId, iSize] = ['type', 'id', 'self_size'].map((f) => fields.indexOf(f)) as [number, number, number];
  const scripts = codeScripts(raw);
  const tierOf = codeTiers(raw);
  const nodes: HeapSnapshot['nodes'] = [];
  const ids = new Set<number>();
  const tiers: Record<CodeTier, number> = { bytecode: 0, feedback: 0, baseline: 0, optimized: 0, otherCode: 0 };
  for (let i = 0, k = 0; i < raw.nodes.length; i += fields.length, k++) {
    const kind = kindOf(types[raw.nodes[i + iType]!] ?? '');
    if (!kind) continue;
    ids.add(raw.nodes[i + iId]!);
    const script = kind === 'code' ? scripts[k] : undefined;
    if (kind === 'code') tiers[tierOf(k)] += raw.nodes[i + iSize]!;
    nodes.push({ id: raw.nodes[i + iId]!, size: raw.nodes[i + iSize]!, kind, ...(script !== undefined ? { script } : {}) });
  }
  return { ids, nodes, tiers };
}

/** The snapshot's flat arrays read as a graph: each node's type, name and out-edges (by edge offset). */
function graphOf(raw: RawSnapshot) {
  const nf = raw.snapshot.meta.node_fields;
  const ef = raw.snapshot.meta.edge_fields;
  const nodeTypes = raw.snapshot.meta.node_types[0];
  const edgeTypes = raw.snapshot.meta.edge_types[0];
  const [iType, iName, iEdges] = ['type', 'name', 'edge_count'].map((f) => nf.indexOf(f)) as [number, number, number];
  const [eType, eName, eTo] = ['type', 'name_or_index', 'to_node'].map((f) => ef.indexOf(f)) as [number, number, number];
  const count = raw.nodes.length / nf.length;
  /** Node k's edges are at offsets first[k], first[k] + edgeStep, … below first[k + 1]. */
  const first = new Int32Array(count + 1);
  for (let k = 0, e = 0; k < count; k++) {
    first[k] = e;
    e += raw.nodes[k * nf.length + iEdges]! * ef.length;
    first[k + 1] = e;
  }
  return {
    count,
    first,
    edgeStep: ef.length,
    typeOf: (k: number) => nodeTypes[raw.nodes[k * nf.length + iType]!] ?? '',
    nameOf: (k: number) => raw.strings[raw.nodes[k * nf.length + iName]!] ?? '',
    /** A named edge's name; '' for element and hidden edges (indexed). */
    edgeName: (e: number) => {
      const t = edgeTypes[raw.edges[e + eType]!];
      return t === 'element' || t === 'hidden' ? '' : (raw.strings[raw.edges[e + eName]!] ?? '');
    },
    target: (e: number) => raw.edges[e + eTo]! / nf.length,
  };
}

/**
 * The tier of each compiled-code node (see CodeTier): a Code object by its edges, and what hangs
 * off it (its instruction stream, relocation info, deoptimization data, tables) with it; a
 * bytecode array and its tables; feedback vectors and cells; the rest (shared function infos,
 * scope infos, …) as other code.
 */
function codeTiers(raw: RawSnapshot): (k: number) => CodeTier {
  const { count, first, edgeStep, typeOf, nameOf, edgeName, target } = graphOf(raw);
  const isCode = (k: number) => typeOf(k) === 'code';
  const tierOf = new Map<number, CodeTier>();
  /** `k` and the code objects below it (not other functions' parts) get `tier`, a few levels down. */
  const mark = (k: number, tier: CodeTier, depth: number): void => {
    if (tierOf.has(k) || !isCode(k)) return;
    tierOf.set(k, tier);
    if (depth === 0) return;
    for (let x = first[k]!; x < first[k + 1]!; x += edgeStep) {
      const to = target(x);
      const name = nameOf(to);
      if (/^system \/ (SharedFunctionInfo|Script|Code$|BytecodeArray|FeedbackVector)/.test(name)) continue;
      mark(to, tier, depth - 1);
    }
  };
  for (let k = 0; k < count; k++) {
    if (nameOf(k) !== 'system / Code') continue;
    let tier: CodeTier = 'otherCode';
    for (let x = first[k]!; x < first[k + 1]!; x += edgeStep) {
      const name = edgeName(x);
      if (name === 'bytecode_offset_table') tier = 'baseline';
      else if (name === 'deoptimization_data') tier = 'optimized';
    }
    if (tier !== 'otherCode') mark(k, tier, 2);
  }
  for (let k = 0; k < count; k++) {
    const name = nameOf(k);
    if (name.startsWith('system / BytecodeArray')) mark(k, 'bytecode', 1);
    else if (/^system \/ (FeedbackVector|FeedbackCell|ClosureFeedbackCellArray|FeedbackMetadata)/.test(name)) mark(k, 'feedback', 0);
  }
  return (k) => tierOf.get(k) ?? 'otherCode';
}

/**
 * For each node (by index), the script its compiled code belongs to: a SharedFunctionInfo names
 * its script (edge `script` → Script, edge `name` → the URL); its function's closures, bytecode,
 * baseline and optimized code, feedback and their parts are reached from it through edges to
 * nodes of type `code`, followed a few levels down.
 */
function codeScripts(raw: RawSnapshot): (string | undefined)[] {
  const { count, first, edgeStep, typeOf, nameOf, edgeName, target } = graphOf(raw);
  const owner: (string | undefined)[] = new Array(count);
  const isSfi = (k: number) => nameOf(k).startsWith('system / SharedFunctionInfo');
  for (let k = 0; k < count; k++) {
    if (!isSfi(k)) continue;
    for (let e = first[k]!; e < first[k + 1]!; e += edgeStep) {
      if (edgeName(e) !== 'script') continue;
      const script = target(e);
      for (let e2 = first[script]!; e2 < first[script + 1]!; e2 += edgeStep) {
        if (edgeName(e2) !== 'name') continue;
        const url = nameOf(target(e2));
        owner[k] = /^[a-z-]+:\/\//.test(url) ? new URL(url).pathname.slice(1) : url || '(no URL)';
      }
    }
  }
  for (let k = 0; k < count; k++) {
    if (typeOf(k) !== 'closure') continue;
    for (let e = first[k]!; e < first[k + 1]!; e += edgeStep) if (edgeName(e) === 'shared') owner[k] = owner[target(e)];
  }
  for (let level = 0; level < 4; level++) {
    for (let k = 0; k < count; k++) {
      if (owner[k] === undefined) continue;
      for (let e = first[k]!; e < first[k + 1]!; e += edgeStep) {
        const c = target(e);
        if (owner[c] === undefined && typeOf(c) === 'code' && !isSfi(c) && !nameOf(c).startsWith('system / Script')) owner[c] = owner[k];
      }
    }
  }
  return owner;
}

/** Bytes of compiled code in `after` that was not in `before`, by script (largest first; unattributed as "(other)"). */
export function addedCodeByScript(before: HeapSnapshot, after: HeapSnapshot): [string, number][] {
  const sums = new Map<string, number>();
  for (const node of after.nodes) {
    if (node.kind !== 'code' || before.ids.has(node.id)) continue;
    const script = node.script ?? '(other)';
    sums.set(script, (sums.get(script) ?? 0) + node.size);
  }
  return [...sums.entries()].sort((a, b) => b[1] - a[1]);
}

/** Bytes of the objects in `after` that were not in `before`, by kind. */
export function addedSince(before: HeapSnapshot, after: HeapSnapshot): Record<HeapKind | 'total', number> {
  const sums = { code: 0, strings: 0, objects: 0, shapes: 0, total: 0 };
  for (const node of after.nodes) {
    if (before.ids.has(node.id)) continue;
    sums[node.kind] += node.size;
    sums.total += node.size;
  }
  return sums;
}

/** All bytes of a snapshot by kind (to compare two snapshots' totals: what grew, net). */
export function totalsOf(snapshot: HeapSnapshot): Record<HeapKind | 'total', number> {
  const sums = { code: 0, strings: 0, objects: 0, shapes: 0, total: 0 };
  for (const node of snapshot.nodes) {
    sums[node.kind] += node.size;
    sums.total += node.size;
  }
  return sums;
}
