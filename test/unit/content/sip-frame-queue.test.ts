import { describe, expect, it } from 'vitest';
import { createFrameQueue } from '../../../src/content/adapters/sip-websocket';
import type { FrameData, PageSignal } from '../../../src/core/page-signal';

type FrameSignal = Extract<PageSignal, { t: 'ws-frame' }>;
const frame = (data: FrameData, at: number): FrameSignal => ({ t: 'ws-frame', socket: 1, dir: 'received', data, at });
const bytes = (text: string) => new TextEncoder().encode(text).buffer as ArrayBuffer;

describe('SIP frame queue', () => {
  it('handles string and ArrayBuffer frames at once, without waiting for a promise', () => {
    const seen: string[] = [];
    const push = createFrameQueue((text) => seen.push(text), new AbortController().signal);
    push(frame('one', 1));
    push(frame(bytes('twö'), 2));
    expect(seen).toEqual(['one', 'twö']);
  });

  it('keeps arrival order when Blob frames are interleaved with string frames', async () => {
    const seen: number[] = [];
    const texts: string[] = [];
    const push = createFrameQueue((text, f) => {
      seen.push(f.at);
      texts.push(text);
    }, new AbortController().signal);
    push(frame('a', 1));
    push(frame(new Blob(['b']), 2));
    push(frame('c', 3));
    push(frame(bytes('d'), 4));
    push(frame(new Blob(['e']), 5));
    expect(seen).toEqual([1]);
    await expect.poll(() => seen.length).toBe(5);
    expect(seen).toEqual([1, 2, 3, 4, 5]);
    expect(texts).toEqual(['a', 'b', 'c', 'd', 'e']);
    // The Blobs read, strings go straight through again.
    push(frame('f', 6));
    expect(seen.at(-1)).toBe(6);
  });

  it('goes on after a frame whose processing throws or whose Blob cannot be read', async () => {
    const seen: string[] = [];
    const push = createFrameQueue((text) => {
      if (text === 'bad') throw new Error('bad frame');
      seen.push(text);
    }, new AbortController().signal);
    const unreadable = Object.assign(new Blob(['x']), { arrayBuffer: () => Promise.reject(new Error('closed')) });
    push(frame('bad', 1));
    push(frame(unreadable, 2));
    push(frame('after', 3));
    await expect.poll(() => seen).toEqual(['after']);
  });

  it('stops handling frames once its lifetime ends, also those waiting behind a Blob', async () => {
    const seen: string[] = [];
    const lifetime = new AbortController();
    const push = createFrameQueue((text) => seen.push(text), lifetime.signal);
    push(frame(new Blob(['blob']), 1));
    push(frame('queued', 2));
    lifetime.abort();
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(seen).toEqual([]);
  });
});
