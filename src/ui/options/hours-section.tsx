/** Business hours: when return calls are due (time zone, working days, open/close, holidays). */
import { useState } from 'preact/hooks';
import type { Language } from '../../core/coach/types';
import { Field, FieldNote, noteId } from '../shared/components/field';
import { t } from '../shared/i18n';
import { TextField } from './fields';
import { controlId, type Form } from './form';

const DAYS = [1, 2, 3, 4, 5, 6, 7] as const;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** The zones this browser knows, as suggestions (the schema checks the value). */
let zoneNames: string[] | undefined;
function zoneOptions() {
  if (!zoneNames) {
    try {
      zoneNames = Intl.supportedValuesOf('timeZone');
    } catch {
      // An engine without the list: the field still takes any valid zone.
      zoneNames = [];
    }
  }
  return zoneNames.map((zone) => <option key={zone} value={zone} />);
}

function weekdayName(language: Language, isoDay: number): string {
  // 2024-01-01 was a Monday.
  const name = new Intl.DateTimeFormat(language, { weekday: 'long', timeZone: 'UTC' }).format(Date.UTC(2024, 0, isoDay));
  return name.charAt(0).toLocaleUpperCase(language) + name.slice(1);
}

function dateName(language: Language, date: string): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return new Intl.DateTimeFormat(language, { dateStyle: 'full', timeZone: 'UTC' }).format(Date.UTC(y, m - 1, d));
}

export function HoursSection({ form }: { form: Form }) {
  const { language, view } = form;
  const hours = view.effective.businessHours;
  const daysKey = 'businessHours.days';
  const daysLocked = form.locked(daysKey);
  const [zonesWanted, setZonesWanted] = useState(false);
  return (
    <section id="hours" aria-labelledby="hours-title" class="card">
      <h2 id="hours-title">{t(language, 'options_hours_title')}</h2>
      <p class="lead">{t(language, 'options_hours_intro')}</p>
      <div class="grid">
        {/* The ~400 suggestions are built once the field is first focused, not on every render. */}
        <div onFocusCapture={() => setZonesWanted(true)}>
          <TextField
            form={form}
            path={['businessHours', 'timeZone']}
            label={t(language, 'options_hours_time_zone')}
            hint={t(language, 'options_hours_time_zone_hint')}
            list="time-zones"
          />
          <datalist id="time-zones">{zonesWanted && zoneOptions()}</datalist>
        </div>
        <TimeField form={form} part="open" label={t(language, 'options_hours_open')} value={hours.open} />
        <TimeField form={form} part="close" label={t(language, 'options_hours_close')} value={hours.close} />
      </div>

      <fieldset class="group days" aria-describedby={noteId(controlId(daysKey))} data-testid="field-businessHours.days">
        <legend>{t(language, 'options_hours_days')}</legend>
        <div class="days__list">
          {DAYS.map((day) => (
            <span class="field__row" key={day}>
              <input
                type="checkbox"
                id={controlId(`${daysKey}.${day}`)}
                data-day={day}
                checked={hours.days.includes(day)}
                disabled={daysLocked}
                onChange={(e) => {
                  const on = e.currentTarget.checked;
                  const next = on ? [...hours.days.filter((d) => d !== day), day].sort((a, b) => a - b) : hours.days.filter((d) => d !== day);
                  form.set(['businessHours', 'days'], next, daysKey);
                }}
              />
              <label for={controlId(`${daysKey}.${day}`)}>{weekdayName(language, day)}</label>
            </span>
          ))}
        </div>
        <FieldNote id={controlId(daysKey)} language={language} fieldKey={daysKey} locked={daysLocked} state={form.state(daysKey)} />
      </fieldset>

      <Holidays form={form} />
    </section>
  );
}

function TimeField({ form, part, label, value }: { form: Form; part: 'open' | 'close'; label: string; value: string }) {
  const key = `businessHours.${part}`;
  const id = controlId(key);
  const locked = form.locked(key);
  return (
    <Field id={id} label={label} language={form.language} fieldKey={key} locked={locked} state={form.state(key)}>
      <input
        type="time"
        id={id}
        data-testid={`field-${key}`}
        value={value}
        disabled={locked}
        aria-describedby={noteId(id)}
        onChange={(e) => {
          const next = e.currentTarget.value;
          if (next !== '') form.set(['businessHours', part], next, key);
        }}
      />
    </Field>
  );
}

function Holidays({ form }: { form: Form }) {
  const { language, view } = form;
  const holidays = view.effective.businessHours.holidays;
  const key = 'businessHours.holidays';
  const id = controlId(key);
  const locked = form.locked(key);
  const [date, setDate] = useState('');

  const add = () => {
    if (!DATE.test(date)) return form.setFieldError(key, t(language, 'options_hours_holiday_invalid'));
    if (holidays.includes(date)) return form.setFieldError(key, t(language, 'options_hours_holiday_duplicate'));
    form.set(['businessHours', 'holidays'], [...holidays, date].sort(), key);
    setDate('');
  };

  return (
    <fieldset class="group" data-testid="holidays">
      <legend>{t(language, 'options_hours_holidays')}</legend>
      {holidays.length === 0 ? (
        <p class="hint">{t(language, 'options_hours_no_holidays')}</p>
      ) : (
        <ul class="list">
          {holidays.map((day) => (
            <li key={day} data-date={day}>
              <time dateTime={day}>{dateName(language, day)}</time>{' '}
              <button
                type="button"
                disabled={locked}
                aria-label={t(language, 'options_hours_holiday_remove', { date: day })}
                onClick={() =>
                  form.set(
                    ['businessHours', 'holidays'],
                    holidays.filter((d) => d !== day),
                    key,
                  )
                }
              >
                {t(language, 'options_remove')}
              </button>
            </li>
          ))}
        </ul>
      )}
      <div class="inline-form">
        <label for={id}>{t(language, 'options_hours_holiday_add_label')}</label>
        <input
          type="date"
          id={id}
          data-testid="holiday-date"
          value={date}
          disabled={locked}
          aria-describedby={noteId(id)}
          onInput={(e) => setDate(e.currentTarget.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter') {
              e.preventDefault();
              add();
            }
          }}
        />
        <button type="button" data-testid="holiday-add" disabled={locked || date === ''} onClick={add}>
          {t(language, 'options_add')}
        </button>
      </div>
      <FieldNote id={id} language={language} fieldKey={key} locked={locked} state={form.state(key)} />
    </fieldset>
  );
}
