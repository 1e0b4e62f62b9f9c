/**
 * The last days as a bar chart, in plain SVG (no chart library): one bar per local day, calls
 * taken below and missed calls stacked on top, the count above each bar, and the share answered
 * on time as a dot on a 0–100 % scale at the right. Every bar carries its figures as data
 * attributes and a <title>; the same numbers are in a table for screen readers.
 */
import type { Language } from '../../core/coach/types';
import type { DayFigures } from '../../core/figures';
import { formatShare, formatShortDate } from '../shared/format';
import { t } from '../shared/i18n';

export interface DayChartProps {
  days: readonly DayFigures[];
  language: Language;
}

const WIDTH = 680;
const HEIGHT = 220;
const PAD = { top: 22, right: 40, bottom: 28, left: 34 };

/** A round step for the axis: 1, 2, 5, 10, 20, 50… so that about four lines fit. */
export function axisStep(max: number): number {
  const rough = Math.max(1, max) / 4;
  const power = 10 ** Math.floor(Math.log10(rough));
  for (const m of [1, 2, 5, 10]) if (m * power >= rough) return Math.max(1, m * power);
  return 10 * power;
}

export function DayChart({ days, language: lang }: DayChartProps) {
  const innerW = WIDTH - PAD.left - PAD.right;
  const innerH = HEIGHT - PAD.top - PAD.bottom;
  const totals = days.map((d) => d.figures.calls.taken + d.figures.calls.missed);
  const stepValue = axisStep(Math.max(...totals, 0));
  const top = Math.max(stepValue, Math.ceil(Math.max(...totals, 1) / stepValue) * stepValue);
  const y = (value: number) => PAD.top + innerH - (value / top) * innerH;
  const slot = innerW / Math.max(1, days.length);
  const barW = Math.max(4, Math.min(36, slot * 0.6));
  const ticks: number[] = [];
  for (let v = 0; v <= top; v += stepValue) ticks.push(v);
  const shareY = (share: number) => PAD.top + innerH - share * innerH;

  return (
    <figure class="chart" data-testid="day-chart">
      <svg
        viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
        width="100%"
        role="img"
        aria-labelledby="chart-title chart-desc"
        xmlns="http://www.w3.org/2000/svg"
      >
        <title id="chart-title">{t(lang, 'figures_chart_title', { days: days.length })}</title>
        <desc id="chart-desc">{t(lang, 'figures_chart_desc')}</desc>
        {ticks.map((v) => (
          <g key={v} class="chart__grid">
            <line x1={PAD.left} x2={WIDTH - PAD.right} y1={y(v)} y2={y(v)} />
            <text x={PAD.left - 6} y={y(v) + 4} text-anchor="end">
              {v}
            </text>
          </g>
        ))}
        {[0, 0.5, 1].map((s) => (
          <text key={s} class="chart__share-axis" x={WIDTH - PAD.right + 6} y={shareY(s) + 4}>
            {formatShare(s, lang)}
          </text>
        ))}
        {days.map((day, i) => {
          const { taken, missed } = day.figures.calls;
          const share = day.figures.answers.onTimeShare;
          const cx = PAD.left + slot * i + slot / 2;
          const x = cx - barW / 2;
          const takenTop = y(taken);
          const missedTop = y(taken + missed);
          const label = t(lang, 'figures_chart_bar', { date: formatShortDate(day.date, lang), taken, missed, share: formatShare(share, lang) });
          return (
            <g key={day.date} class="chart__day" data-testid="chart-day" data-date={day.date} data-taken={taken} data-missed={missed}>
              <title>{label}</title>
              {taken > 0 && <rect class="chart__taken" x={x} y={takenTop} width={barW} height={y(0) - takenTop} />}
              {missed > 0 && <rect class="chart__missed" x={x} y={missedTop} width={barW} height={takenTop - missedTop} />}
              {taken + missed > 0 && (
                <text class="chart__count" x={cx} y={missedTop - 4} text-anchor="middle">
                  {taken + missed}
                </text>
              )}
              {share !== null && <circle class="chart__share" cx={cx} cy={shareY(share)} r={3.5} data-share={share} />}
              <text class="chart__date" x={cx} y={HEIGHT - PAD.bottom + 16} text-anchor="middle">
                {formatShortDate(day.date, lang)}
              </text>
            </g>
          );
        })}
      </svg>
      <figcaption class="chart__legend">
        <span class="chart__key chart__key--taken" aria-hidden="true" /> {t(lang, 'figures_taken')}{' '}
        <span class="chart__key chart__key--missed" aria-hidden="true" /> {t(lang, 'figures_missed')}{' '}
        <span class="chart__key chart__key--share" aria-hidden="true" /> {t(lang, 'figures_on_time')}
      </figcaption>
      <table class="visually-hidden">
        <caption>{t(lang, 'figures_chart_title', { days: days.length })}</caption>
        <thead>
          <tr>
            <th scope="col">{t(lang, 'figures_day')}</th>
            <th scope="col">{t(lang, 'figures_taken')}</th>
            <th scope="col">{t(lang, 'figures_missed')}</th>
            <th scope="col">{t(lang, 'figures_on_time')}</th>
          </tr>
        </thead>
        <tbody>
          {days.map((day) => (
            <tr key={day.date}>
              <th scope="row">{formatShortDate(day.date, lang)}</th>
              <td>{day.figures.calls.taken}</td>
              <td>{day.figures.calls.missed}</td>
              <td>{formatShare(day.figures.answers.onTimeShare, lang)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}
