/**
 * Which nudges the page showed, read from what is on the page: the coach's toasts, rendered by
 * the content-script code in its own shadow root (`second-ring-coach`, open), each with its key,
 * rule, kind and fire time as data attributes. Each key is reported once, when first seen; a
 * toast that hides itself later stays reported.
 */
import type { Nudge, RuleId } from '../../core/coach/types';

export interface SeenNudge {
  key: string;
  ruleId: RuleId;
  kind: Nudge['kind'];
  text: string;
  /** Epoch ms the coach fired it. */
  firedAt: number;
  /** Epoch ms the page rendered it. */
  shownAt: number;
}

const KINDS = new Set(['toast', 'question', 'checklist']);

export function watchNudges(onNudge: (nudge: SeenNudge) => void, signal: AbortSignal): void {
  const seen = new Set<string>();
  let rootObserved: ShadowRoot | undefined;
  let rootObserver: MutationObserver | undefined;

  const scan = () => {
    const root = document.querySelector('second-ring-coach')?.shadowRoot;
    if (!root) return;
    if (root !== rootObserved && !signal.aborted) {
      rootObserved = root;
      rootObserver?.disconnect();
      rootObserver = new MutationObserver(scan);
      rootObserver.observe(root, { childList: true, subtree: true });
    }
    for (const el of root.querySelectorAll<HTMLElement>('.nudge[data-key]')) {
      const key = el.dataset.key ?? '';
      if (!key || seen.has(key)) continue;
      seen.add(key);
      const kind = el.dataset.kind ?? 'toast';
      onNudge({
        key,
        ruleId: (el.dataset.rule ?? '') as RuleId,
        kind: (KINDS.has(kind) ? kind : 'toast') as Nudge['kind'],
        text: el.querySelector('.nudge__text')?.textContent ?? '',
        firedAt: Number(el.dataset.firedAt),
        shownAt: Number(el.dataset.shownAt),
      });
    }
  };

  const bodyObserver = new MutationObserver(scan);
  bodyObserver.observe(document.body, { childList: true });
  signal.addEventListener(
    'abort',
    () => {
      bodyObserver.disconnect();
      rootObserver?.disconnect();
    },
    { once: true },
  );
  scan();
}
