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
  /** Per node: id, self size and kind, for the nodes of the V8 heap. */
  nodes: { id: number; size: number; kind: HeapKind }[];
}

export type HeapKind = 'code' | 'strings' | 'objects' | 'shapes';

interface RawSnapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[]] } };
  nodes: number[];
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
  const nodes: HeapSnapshot['nodes'] = [];
  const ids = new Set<number>();
  for (let i = 0; i < raw.nodes.length; i += fields.length) {
    const kind = kindOf(types[raw.nodes[i + iType]!] ?? '');
    if (!kind) continue;
    ids.add(raw.nodes[i + iId]!);
    nodes.push({ id: raw.nodes[i + iId]!, size: raw.nodes[i + iSize]!, kind });
  }
  return { ids, nodes };
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
