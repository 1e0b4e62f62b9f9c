import { describe, expect, it } from 'vitest';
import { mergeProfiles, PAGE_CALLS_THROUGH_WRAPPERS, summarise } from '../bench/lib/cpu-profile';

const frame = (functionName: string, url = '', lineNumber = 0) => ({ functionName, url, lineNumber, columnNumber: 0 });
const EXT = 'chrome-extension://abc/src/content/content-script.js';

describe('CPU profile summary (bench)', () => {
  // root → start (extension) → postMessage (native) ; root → page function ; root → (idle)
  const profile = {
    nodes: [
      { id: 1, callFrame: frame('(root)'), children: [2, 4, 5] },
      { id: 2, callFrame: frame('start', EXT, 9), children: [3] },
      { id: 3, callFrame: frame('postMessage') },
      { id: 4, callFrame: frame('onload', 'http://127.0.0.1/page.js') },
      { id: 5, callFrame: frame('(idle)') },
    ],
    // 100 µs between samples; the gap before the last sample is no function's time.
    samples: [2, 3, 3, 4, 5, 2, 2],
    timeDeltas: [0, 100, 100, 100, 100, 100, 5000],
  };

  it('sums self time per extension function, a native callee counting to its scripted caller', () => {
    const s = summarise(profile);
    expect(s.functions).toHaveLength(1);
    expect(s.functions[0]!.where).toBe('start (src/content/content-script.js:10)');
    // A sample lasts until the next one: start 0.1 + postMessage 2 × 0.1 + start before the 5 ms
    // gap, capped at 4 intervals (0.4); the last sample has no end and counts nothing.
    expect(s.functions[0]!.ms).toBeCloseTo(0.7, 5);
    expect(s.scripts['src/content/content-script.js']).toBeCloseTo(0.7, 5);
    expect(s.other['page scripts']).toBeCloseTo(0.1, 5);
    expect(s.other['(idle)']).toBeCloseTo(0.1, 5);
    expect(s.natives.postMessage).toBeCloseTo(0.2, 5);
    expect(s.natives['(idle)']).toBeUndefined();
  });

  // The page's own send, called through the hook's Proxy trap `apply`: the page pays it without the
  // extension too, so it is no extension time when the caller says so; the hook's own callee stays the hook's.
  const HOOK = 'chrome-extension://abc/src/page/page-hook.js';
  const throughTrap = {
    nodes: [
      { id: 1, callFrame: frame('(root)'), children: [2] },
      { id: 2, callFrame: frame('drain', ''), children: [3] },
      { id: 3, callFrame: frame('apply', HOOK), children: [4, 5] },
      { id: 4, callFrame: frame('send') },
      { id: 5, callFrame: frame('postTask') },
    ],
    samples: [4, 4, 4, 5, 3, 3],
    timeDeltas: [0, 100, 100, 100, 100, 100],
  };

  it('counts a native the hook forwarded for the page to the page, when asked to', () => {
    const plain = summarise(throughTrap);
    expect(plain.scripts['src/page/page-hook.js']).toBeCloseTo(0.5, 5);
    const honest = summarise(throughTrap, (native, caller, file) => native === 'send' && caller === 'apply' && file === 'src/page/page-hook.js');
    expect(honest.scripts['src/page/page-hook.js']).toBeCloseTo(0.2, 5);
    expect(honest.other[PAGE_CALLS_THROUGH_WRAPPERS]).toBeCloseTo(0.3, 5);
    expect(honest.natives.send).toBeCloseTo(0.3, 5);
    expect(honest.natives.postTask).toBeCloseTo(0.1, 5);
  });

  it('averages several profiles', () => {
    const one = summarise(profile);
    const merged = mergeProfiles([one, { functions: [], scripts: {}, other: {}, natives: {} }]);
    expect(merged.functions[0]!.ms).toBeCloseTo(one.functions[0]!.ms / 2, 5);
    expect(merged.scripts['src/content/content-script.js']).toBeCloseTo(0.35, 5);
  });
});
