/**
 * The call card's styles, in the nudges' shadow root (after NUDGE_CSS): the card sits on top of
 * the one column in the corner, the ring counter and nudges below it. Calm, dark like the
 * nudges (light under a light colour scheme), and the focus always visible.
 *
 * The column is placed by a transform from the window's top-left (mount.tsx, applyAnchor; until
 * then, the bottom-right corner), and each item sits at its top-left in the layout, put at the
 * right edge and below the one before by a transform (arrange; as a flex column with
 * align-items: flex-end and a gap would): none of the overlay's moves moves a box in the page's
 * layout, so none counts in the page's layout-shift score.
 */
export const CARD_CSS = `
.column {
  position: fixed; left: 0; top: 0; z-index: 2147483647;
  transform: translate(calc(100vw - 100% - 16px), calc(100vh - 100% - 16px));
  width: 320px; max-height: calc(100vh - 32px);
  pointer-events: none;
  font: 14px/1.35 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
}
.column > .stack { position: static; width: 100%; max-height: none; overflow: visible; }
.column > .grip, .column > .card, .column > .stack > * { position: absolute; top: 0; left: 0; }
.card { pointer-events: auto; box-sizing: border-box; width: 100%; max-height: 60vh; overflow: auto;
  border-radius: 8px; box-shadow: 0 2px 10px rgba(0,0,0,.25); color: #f5f5f5; background: #1c262b;
  border-left: 4px solid #4fc3f7; padding: 8px 10px; }
.card:focus { outline: 2px solid #4fc3f7; outline-offset: 2px; }
.card--ended, .card--missed { border-left-color: #90a4ae; }
.card--on-hold { border-left-color: #ffb300; }
.card p { margin: 0; }
.card__head { display: flex; align-items: center; gap: 6px; }
.card__status { flex: 1; font-weight: 600; min-width: 0; }
.card--folded { padding: 4px 10px; }
.card--folded .card__status { white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
.card__line-caller { font-weight: 400; }
.card__setup { margin-top: 6px !important; font-size: 13px; }
.card__timer { font-variant-numeric: tabular-nums; font-weight: 400; }
.card__hold { color: #ffcc80; font-weight: 400; }
.card__icon { border: 0; background: transparent; padding: 0 6px; font-size: 16px; line-height: 1; }
.card__caller { margin-top: 2px; overflow-wrap: anywhere; }
.card__use-name { margin-top: 4px !important; padding: 2px 6px; border-radius: 4px; background: #2e4a57; font-weight: 600; overflow-wrap: anywhere; }
.card__name, .card__form { display: flex; flex-direction: column; gap: 6px; margin-top: 8px; }
.card__name { flex-direction: row; align-items: flex-end; }
.card__name .card__field { flex: 1; }
.card__field { display: flex; flex-direction: column; gap: 2px; font-size: 13px; }
.card input[type="text"], .card input[type="tel"], .card textarea { font: inherit; color: #102027; background: #eceff1;
  border: 1px solid #90a4ae; border-radius: 4px; padding: 3px 6px; min-width: 0; box-sizing: border-box; width: 100%; }
.card textarea { resize: vertical; }
.card [aria-invalid="true"] { border: 2px solid #ef5350; }
.card__error { color: #ff8a80; font-size: 12px; }
.card__list { border: 1px solid #455a64; border-radius: 6px; margin: 8px 0 0; padding: 4px 8px 6px; }
.card__list legend { padding: 0 4px; font-weight: 600; }
.card__check { display: flex; gap: 6px; align-items: flex-start; cursor: pointer; padding: 1px 0; }
.card__check input { margin: 2px 0 0; }
.card__messages { list-style: none; margin: 8px 0 0; padding: 0; display: flex; flex-direction: column; gap: 4px; }
.card__messages li { display: flex; gap: 6px; align-items: center; justify-content: space-between; }
.card__messages li[data-status="delivered"] { color: #b0bec5; }
.card__saved { margin-top: 6px !important; color: #a5d6a7; }
.card__actions { display: flex; gap: 8px; }
.card__take { margin-top: 8px; }
.card__hint { margin-top: 6px !important; font-size: 11px; color: #b0bec5; }
/* Tick boxes big enough to hit, rows far enough apart (WCAG 2.5.8: a 24 px target space each). */
.card__check { min-height: 26px; }
.card__check input { width: 18px; height: 18px; margin: 1px 0 0; flex: none; }
/* Light when the agent's system is light (after NUDGE_CSS's light block; contrast ≥ 4.5:1). */
@media (prefers-color-scheme: light) {
  .card { color: #1d2327; background: #ffffff; border-left-color: #1f5f99;
    box-shadow: 0 2px 10px rgba(0,0,0,.2), 0 0 0 1px #c9ced3; }
  .card:focus { outline-color: #1a73e8; }
  .card--ended, .card--missed { border-left-color: #607d8b; }
  .card--on-hold { border-left-color: #b26a00; }
  .card__hold { color: #8a5300; }
  .card__use-name { background: #e3f0f8; }
  .card input[type="text"], .card input[type="tel"], .card textarea { background: #ffffff; border-color: #607d8b; }
  .card__error { color: #a4161a; }
  .card__list { border-color: #c9ced3; }
  .card__messages li[data-status="delivered"] { color: #50575e; }
  .card__saved { color: #1e6b34; }
  .card__hint { color: #50575e; }
}
`;
