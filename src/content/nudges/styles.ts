/** Styles live inside the shadow root: the page's CSS cannot reach them, ours cannot leak out. */
export const NUDGE_CSS = `
:host { all: initial; }
.stack {
  position: fixed; right: 16px; bottom: 16px; z-index: 2147483647;
  display: flex; flex-direction: column; gap: 8px; align-items: flex-end;
  width: 320px; max-height: calc(100vh - 32px); overflow: hidden;
  pointer-events: none;
  font: 14px/1.35 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
}
.ring, .nudge { pointer-events: auto; box-sizing: border-box; width: 100%; border-radius: 8px;
  box-shadow: 0 2px 10px rgba(0,0,0,.25); color: #f5f5f5; background: #263238; }
.ring { padding: 6px 12px; font-weight: 600; background: #37474f; width: auto; }
.nudge { position: relative; padding: 10px 34px 10px 12px; border-left: 4px solid #ffb300; }
.nudge--info { border-left-color: #90a4ae; }
.nudge--urgent { border-left-color: #e53935; }
.nudge__text { margin: 0; }
.nudge__actions { display: flex; gap: 8px; margin-top: 8px; }
.nudge__items { list-style: none; margin: 8px 0 0; padding: 0; }
.nudge__items label { display: flex; gap: 6px; align-items: center; cursor: pointer; }
button { font: inherit; cursor: pointer; border-radius: 4px; border: 1px solid #90a4ae;
  background: #37474f; color: inherit; padding: 2px 12px; }
button:focus-visible, input:focus-visible { outline: 2px solid #4fc3f7; outline-offset: 2px; }
.stack__older, .grip { pointer-events: auto; align-self: flex-end; font-size: 12px; }
.grip { touch-action: none; cursor: grab; padding: 0 8px; line-height: 16px; }
.nudge__close { position: absolute; top: 6px; right: 6px; border: 0; background: transparent;
  padding: 0 6px; font-size: 18px; line-height: 1; }
/* Tick boxes big enough to hit, rows far enough apart (WCAG 2.5.8: a 24 px target space each). */
.nudge__items label { min-height: 26px; }
.nudge__items input { width: 18px; height: 18px; margin: 0; flex: none; }
/* Read by screen readers, never seen: see announcer.ts. */
.announcer { position: absolute; width: 1px; height: 1px; margin: -1px; padding: 0; border: 0;
  overflow: hidden; clip-path: inset(50%); white-space: nowrap; }
/* The overlay follows the agent's colour scheme: dark above, light here (contrast ≥ 4.5:1 in both). */
@media (prefers-color-scheme: light) {
  .ring, .nudge { color: #1d2327; background: #ffffff; box-shadow: 0 2px 10px rgba(0,0,0,.2), 0 0 0 1px #c9ced3; }
  .ring { background: #eceff1; }
  .nudge { border-left-color: #b26a00; }
  .nudge--info { border-left-color: #607d8b; }
  .nudge--urgent { border-left-color: #c62828; }
  button { background: #eceff1; border-color: #607d8b; }
  .nudge__close { background: transparent; }
  button:focus-visible, input:focus-visible { outline-color: #1a73e8; }
}
`;
