/**
 * Editing the team lead's partial configuration by path. A path is a list of segments, because
 * text ids contain dots (`texts.en.hold-check-back.nudge` is three segments: texts, en and
 * hold-check-back.nudge); its dotted string is what error paths and `locked` use.
 */
import type { ConfigError } from '../../core/coach/config';

export type Path = readonly string[];

export const pathKey = (path: Path): string => path.join('.');

type Container = Record<string, unknown> | unknown[];

const isContainer = (value: unknown): value is Container => typeof value === 'object' && value !== null;

export function getIn(root: unknown, path: Path): unknown {
  let at: unknown = root;
  for (const segment of path) {
    if (!isContainer(at)) return undefined;
    at = (at as Record<string, unknown>)[segment];
  }
  return at;
}

/**
 * A copy of `root` with `value` at `path`; `undefined` removes the key (or the array element),
 * and objects left empty by that are removed too, so the stored input stays minimal.
 */
export function setIn<T>(root: T, path: Path, value: unknown): T {
  if (path.length === 0) return (value === undefined ? {} : value) as T;
  const [head, ...rest] = path as [string, ...string[]];
  const base: Container = isContainer(root) ? root : {};
  const child = rest.length === 0 ? value : setIn(getIn(base, [head]), rest, value);
  if (Array.isArray(base)) {
    const index = Number(head);
    const copy = [...base];
    if (child === undefined) copy.splice(index, 1);
    else copy[index] = child;
    return copy as T;
  }
  const copy: Record<string, unknown> = { ...base };
  if (child === undefined || (rest.length > 0 && isEmptyObject(child))) delete copy[head];
  else copy[head] = child;
  return copy as T;
}

const isEmptyObject = (value: unknown): boolean =>
  isContainer(value) && !Array.isArray(value) && Object.keys(value).length === 0;

/**
 * Locked when the policy sets this path, a parent of it (`sites` locks every site), or a part of
 * it (a control that saves a whole object cannot leave one of its keys to the policy).
 */
export function isLockedPath(locked: readonly string[], key: string): boolean {
  return locked.some((l) => l === '' || l === key || key.startsWith(`${l}.`) || l.startsWith(`${key}.`));
}

/** The errors about `key` or anything inside it. */
export function errorsUnder(errors: readonly ConfigError[], key: string): ConfigError[] {
  return errors.filter((e) => e.path === key || e.path.startsWith(`${key}.`));
}

/**
 * The path to remove so that an error goes away, from the error's keys (never its dotted path:
 * a text id has dots): inside an array, the whole element (a site without its pattern is no better).
 */
export function removalPathOf(keys: Path): Path {
  const arrayIndex = keys.findIndex((s) => /^\d+$/.test(s));
  return arrayIndex >= 0 ? keys.slice(0, arrayIndex + 1) : keys;
}
