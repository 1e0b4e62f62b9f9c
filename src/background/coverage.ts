/**
 * Which softphone frames are coached: for each frame the extension injected into after its
 * site became active (install, update, a site added, policy), when that happened and when the
 * page hook greeted the content script there. A frame injected into whose hook never greets is
 * not coached: the popup and the toolbar badge name its tab and offer a reload.
 * Kept in `storage.session` (the worker may stop at any moment).
 */
import type { TabCoverage } from '../core/messages';

export const COVERAGE_KEY = 'coverage/v1';
/** How long an injected frame has to greet before it counts as not coached. */
export const ATTACH_GRACE_MS = 5_000;

export type CoverageMap = Record<string, TabCoverage>;

export interface CoverageDeps {
  session: { get(key: string): Promise<unknown>; set(key: string, value: unknown): Promise<void> };
}

export interface Coverage {
  /** A site became active at `at` (its scripts registered): frames greeting later count from it. */
  activated(at: number): Promise<void>;
  /** Frames the background injected into after their site became active at `activatedAt`. */
  injected(frames: readonly { tabId: number; frameId: number; url: string; doneAt: number }[], activatedAt: number): Promise<void>;
  /** A content script reported its hook's greeting. */
  attached(tabId: number, frameId: number, url: string | undefined, hook: { v: number; late: boolean; at: number }): Promise<void>;
  forgetTab(tabId: number): Promise<void>;
  all(): Promise<TabCoverage[]>;
  /** Frames injected into that never greeted within {@link ATTACH_GRACE_MS}, by `now`. */
  uncoached(now: number): Promise<TabCoverage[]>;
}

/** The entry that keeps the time the last site became active (not a frame). */
const LAST_ACTIVATION = 'last-activation';
const frames = (map: CoverageMap): TabCoverage[] => Object.entries(map).flatMap(([k, c]) => (k === LAST_ACTIVATION ? [] : [c]));

export function createCoverage(deps: CoverageDeps): Coverage {
  let queue: Promise<unknown> = Promise.resolve();
  const change = <T>(job: (map: CoverageMap) => T): Promise<T> => {
    const result = queue.then(async () => {
      const stored = await deps.session.get(COVERAGE_KEY);
      const map: CoverageMap = typeof stored === 'object' && stored !== null ? (stored as CoverageMap) : {};
      const out = job(map);
      await deps.session.set(COVERAGE_KEY, map);
      return out;
    });
    queue = result.catch((error: unknown) => console.error('[Second Ring] coverage not kept:', error));
    return result;
  };
  const key = (tabId: number, frameId: number) => `${tabId}:${frameId}`;
  return {
    activated(at) {
      return change((map) => {
        map[LAST_ACTIVATION] = { tabId: -1, frameId: -1, url: '', activatedAt: at };
      });
    },
    injected(frames, activatedAt) {
      return change((map) => {
        for (const f of frames) {
          const previous = map[key(f.tabId, f.frameId)];
          // A greeting may overtake the injection's own answer.
          const greeted = previous && previous.attachedAt !== undefined && previous.attachedAt >= activatedAt ? previous : undefined;
          map[key(f.tabId, f.frameId)] = {
            ...greeted,
            tabId: f.tabId,
            frameId: f.frameId,
            url: f.url,
            activatedAt,
            injectedAt: f.doneAt,
          };
        }
      });
    },
    attached(tabId, frameId, url, hook) {
      return change((map) => {
        const previous = map[key(tabId, frameId)];
        const lastActivation = map[LAST_ACTIVATION]?.activatedAt;
        map[key(tabId, frameId)] = {
          // A frame that loaded with the scripts registered counts from the last activation.
          ...(lastActivation !== undefined ? { activatedAt: lastActivation } : {}),
          ...previous,
          tabId,
          frameId,
          url: url ?? previous?.url ?? '',
          attachedAt: hook.at,
          late: hook.late,
          hookVersion: hook.v,
        };
      });
    },
    forgetTab(tabId) {
      return change((map) => {
        for (const k of Object.keys(map)) if (map[k]?.tabId === tabId) delete map[k];
      });
    },
    all() {
      return change((map) => frames(map));
    },
    uncoached(now) {
      return change((map) =>
        frames(map).filter(
          (c) => c.injectedAt !== undefined && c.attachedAt === undefined && now - c.injectedAt >= ATTACH_GRACE_MS,
        ),
      );
    },
  };
}
