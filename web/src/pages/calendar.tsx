import { useState } from 'react';
import { useParams } from '@tanstack/react-router';
import { useTranslation } from 'react-i18next';
import { ErrorNote, Loading, StatusBadge, listOf, useApi } from '../components/common.js';
import { firmPath } from '../lib/api.js';
import { groupByDate, monthGrid, monthRange, shiftMonth } from '../lib/calendar.js';
import { formatDate, taipeiToday } from '../lib/dates.js';
import type { PlanEntryJson } from '../lib/types.js';
import { usePrefs } from '../prefs.js';

/** What is due, month by month, and the ICS feed to subscribe to. */
export function CalendarPage() {
  const { t } = useTranslation();
  const { calendar } = usePrefs();
  const { firm } = useParams({ from: '/app/firms/$firm/calendar' });
  const [month, setMonth] = useState(() => taipeiToday().slice(0, 7));
  const { from, to } = monthRange(month);
  const q = useApi<unknown>(`${firmPath(firm)}/plan?from=${from}&to=${to}`);
  const entries = listOf<PlanEntryJson>(q.data, 'entries');
  const byDate = groupByDate(entries);
  const weekdays = t('cal.weekdays').split(',');
  const ics = `${location.origin}${firmPath(firm)}/calendar.ics`;
  return (
    <>
      <h1>{t('cal.title')}</h1>
      <div className="toolbar">
        <button type="button" className="secondary" onClick={() => setMonth(shiftMonth(month, -1))}>
          ‹ {t('cal.prev')}
        </button>
        <h2 aria-live="polite">{formatDate(month, calendar)}</h2>
        <button type="button" className="secondary" onClick={() => setMonth(shiftMonth(month, 1))}>
          {t('cal.next')} ›
        </button>
      </div>
      <ErrorNote error={q.error} />
      {q.isPending ? <Loading /> : null}
      <table className="month">
        <caption className="sr-only">{formatDate(month, calendar)}</caption>
        <thead>
          <tr>
            {weekdays.map((w) => (
              <th key={w} scope="col">
                {w}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {monthGrid(month).map((week, i) => (
            <tr key={i}>
              {week.map((day, j) => (
                <td key={j} className={day ? '' : 'blank'}>
                  {day ? (
                    <>
                      <span className="day">{Number(day.slice(8))}</span>
                      <ul className="plain">
                        {(byDate.get(day) ?? []).map((e) => (
                          <li key={`${e.path}-${e.period ?? ''}`}>
                            <StatusBadge status={e.status} /> <code>{e.path}</code> <span className="muted">{e.title}</span>
                          </li>
                        ))}
                      </ul>
                    </>
                  ) : null}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
      {!q.isPending && entries.length === 0 ? <p>{t('cal.nothing')}</p> : null}
      <section aria-labelledby="h-ics" className="card">
        <h2 id="h-ics">{t('cal.ics')}</h2>
        <p>{t('cal.icsHelp')}</p>
        <p>
          <a href={ics}>{ics}</a>
        </p>
      </section>
    </>
  );
}
