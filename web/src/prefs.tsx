import { createContext, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { CalendarStyle } from './lib/dates.js';
import type { Lang } from './i18n.js';

/** The reader's choices (language, 民國 or Gregorian dates), kept in this browser only. */
interface Prefs {
  lang: Lang;
  calendar: CalendarStyle;
  setLang: (lang: Lang) => void;
  setCalendar: (style: CalendarStyle) => void;
}

const PrefsContext = createContext<Prefs | null>(null);

export function readStoredLang(): Lang {
  return localStorage.getItem('ccheck.lang') === 'en' ? 'en' : 'zh-TW';
}

export function PrefsProvider({ children }: { children: ReactNode }) {
  const { i18n } = useTranslation();
  const [lang, setLangState] = useState<Lang>(readStoredLang);
  const [calendar, setCalendarState] = useState<CalendarStyle>(() => (localStorage.getItem('ccheck.calendar') === 'gregorian' ? 'gregorian' : 'roc'));
  useEffect(() => {
    document.documentElement.lang = lang === 'en' ? 'en' : 'zh-Hant-TW';
    void i18n.changeLanguage(lang);
  }, [lang, i18n]);
  const value = useMemo<Prefs>(
    () => ({
      lang,
      calendar,
      setLang(l) {
        localStorage.setItem('ccheck.lang', l);
        setLangState(l);
      },
      setCalendar(s) {
        localStorage.setItem('ccheck.calendar', s);
        setCalendarState(s);
      },
    }),
    [lang, calendar],
  );
  return <PrefsContext.Provider value={value}>{children}</PrefsContext.Provider>;
}

export function usePrefs(): Prefs {
  const p = useContext(PrefsContext);
  if (!p) throw new Error('usePrefs outside PrefsProvider');
  return p;
}
