/**
 * The content script's handle on the coaching UI, which is loaded only when a call needs it
 * (content-ui.ts): until then a page costs nothing but the bridge, the adapters and a listener.
 * What arrives before the UI is there waits in one chain and is applied in arrival order once it
 * is, so nothing is lost and nothing overtakes; after that calls go straight through.
 */
import type { createNudgeView, NudgeView } from './nudges/mount';
import type { positionStore } from './nudges/position-store';

/** Where content-ui.ts leaves its factories in this frame's isolated world (the page never sees it). */
export const CONTENT_UI_KEY = '__secondRingContentUi';

export interface ContentUi {
  /** The extension version it came with: a UI left by another version is not used. */
  version: string;
  createNudgeView: typeof createNudgeView;
  positionStore: typeof positionStore;
}

export interface UiLoader {
  /** The view once it is there and nothing waits before it; else undefined. */
  readonly ready: NudgeView | undefined;
  /** Whether the UI was asked for (loaded or on its way). */
  readonly requested: boolean;
  /** Runs `apply` on the view: now if it is ready, else after the UI loaded and everything queued before it. */
  withView<T>(apply: (view: NudgeView) => T): T | Promise<T | undefined>;
  /** Starts loading the UI ahead of need (a call started); harmless when asked again. */
  preload(): void;
}

export function createUiLoader(options: {
  /** This content script's extension version. */
  version: string;
  /** Asks the background to inject content-ui.ts into this frame; true once it ran. */
  inject(): Promise<boolean | undefined>;
  create(ui: ContentUi): NudgeView;
}): UiLoader {
  const found = () => {
    const ui = (globalThis as { [CONTENT_UI_KEY]?: ContentUi })[CONTENT_UI_KEY];
    return ui?.version === options.version ? ui : undefined;
  };
  let view: NudgeView | undefined;
  let loading: Promise<NudgeView | undefined> | undefined;
  /** The last queued application; undefined when nothing waits. */
  let tail: Promise<unknown> | undefined;

  function load(): Promise<NudgeView | undefined> {
    loading ??= (async () => {
      // Our own practice page imports the UI itself; a softphone frame asks the background for it.
      let ui = found();
      if (!ui && (await options.inject().catch(() => false))) ui = found();
      if (!ui) {
        console.warn('[Second Ring] the coaching UI could not be loaded');
        loading = undefined; // the next message tries again
        return undefined;
      }
      view = options.create(ui);
      return view;
    })();
    return loading;
  }

  return {
    get ready() {
      return tail === undefined ? view : undefined;
    },
    get requested() {
      return loading !== undefined || view !== undefined;
    },
    withView(apply) {
      if (view && tail === undefined) return apply(view);
      const run = (tail ?? Promise.resolve()).then(load).then((loaded) => (loaded ? apply(loaded) : undefined));
      const settled = run.catch(() => undefined);
      tail = settled;
      void settled.then(() => {
        if (tail === settled) tail = undefined;
      });
      return run;
    },
    preload() {
      void load();
    },
  };
}
