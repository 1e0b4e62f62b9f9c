/**
 * A component that renders again only when one of its props changed (by identity): preact/compat's
 * `memo` without compat. The overlay redraws on every call event; the parts that did not change
 * (the other nudges, a card whose call did not change) are skipped rather than diffed again.
 * State updates inside the wrapped component render it as usual: they are the inner component's.
 */
import { createElement, type ComponentType, type FunctionComponent } from 'preact';

export function samePropsAs<P extends object>(previous: P, next: P): boolean {
  for (const key in previous) if (!(key in next)) return false;
  for (const key in next) if (previous[key] !== next[key]) return false;
  return true;
}

export function memo<P extends object>(component: ComponentType<P>): FunctionComponent<P> {
  function Memo(this: { props: P; shouldComponentUpdate?(next: P): boolean }, props: P) {
    this.shouldComponentUpdate = (next: P) => !samePropsAs(this.props, next);
    return createElement(component as ComponentType<object>, props);
  }
  return Memo as FunctionComponent<P>;
}
