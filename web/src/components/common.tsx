import { useQuery, type UseQueryOptions } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { ApiError, api } from '../lib/api.js';
import { formatDate, formatInstant } from '../lib/dates.js';
import { usePrefs } from '../prefs.js';

/** Every API error shows its stable code and a short message in the reader's language; never a stack. */
export function ErrorNote({ error }: { error: unknown }) {
  const { t, i18n } = useTranslation();
  if (!error) return null;
  const e = error instanceof ApiError ? error : new ApiError(0, 'UNEXPECTED', error instanceof Error ? error.message : 'unknown error');
  const key = `err.${e.code}`;
  // A code the pages do not know yet keeps the server's own (English) short message.
  const message = i18n.exists(key) ? t(key) : e.message;
  return (
    <div className="error" role="alert">
      <strong>
        {t('err.label')} <code>{e.code}</code>
      </strong>{' '}
      {message}
      {e.location?.field ? <span> ({e.location.field})</span> : null}
    </div>
  );
}

/** A date (ISO) shown as 民國 or Gregorian, with the ISO form kept machine-readable. */
export function DateText({ value }: { value: string | null | undefined }) {
  const { calendar } = usePrefs();
  if (!value) return null;
  return <time dateTime={value}>{formatDate(value, calendar)}</time>;
}

export function InstantText({ value }: { value: string | null | undefined }) {
  const { calendar } = usePrefs();
  if (!value) return null;
  return <time dateTime={value}>{formatInstant(value, calendar)}</time>;
}

/** A GET through TanStack Query, keyed by its URL. */
export function useApi<T>(path: string | null, options: Partial<UseQueryOptions<T, ApiError>> = {}) {
  return useQuery<T, ApiError>({ queryKey: [path], queryFn: () => api<T>(path!), enabled: path !== null, ...options });
}

export function Loading() {
  const { t } = useTranslation();
  return (
    <p role="status" className="muted">
      {t('app.loading')}
    </p>
  );
}

/** A status word with a shape as well as a colour, so meaning never rests on colour alone. */
export function StatusBadge({ status }: { status: string }) {
  const { t, i18n } = useTranslation();
  const symbol: Record<string, string> = {
    compliant: '✓',
    approved: '✓',
    done: '✓',
    partial: '◐',
    non_compliant: '✗',
    rejected: '✗',
    overdue: '!',
    open: '○',
    pending: '…',
    not_applicable: '–',
    due: '•',
    upcoming: '›',
  };
  return (
    <span className={`badge badge-${status}`}>
      <span aria-hidden="true">{symbol[status] ?? '•'} </span>
      {i18n.exists(`status.${status}`) ? t(`status.${status}`) : status}
    </span>
  );
}

/** Lists may come bare or wrapped (`{runs: [...]}`); the pages accept both. */
export function listOf<T>(value: unknown, key: string): T[] {
  if (Array.isArray(value)) return value as T[];
  if (value && typeof value === 'object' && Array.isArray((value as Record<string, unknown>)[key])) return (value as Record<string, T[]>)[key]!;
  return [];
}
