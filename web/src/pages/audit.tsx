import { useState } from 'react';
import { useInfiniteQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { ErrorNote, InstantText, Loading, listOf } from '../components/common.js';
import { api, type ApiError } from '../lib/api.js';
import type { AuditEventJson } from '../lib/types.js';

interface VerifyJson {
  ok: boolean;
  count?: number;
  events?: number;
  head?: string;
  broken_at?: number | null;
  first_break?: { seq: number } | null;
}

const PAGE = 50;

/** The audit trail, page by page, and "verify" (the hash chain, every row against its last hash, the MACs). */
export function AuditPage() {
  const { t } = useTranslation();
  const q = useInfiniteQuery<unknown, ApiError, { pages: unknown[] }, string[], number | null>({
    queryKey: ['/api/audit'],
    initialPageParam: null,
    queryFn: ({ pageParam }) => api(`/api/audit?limit=${PAGE}${pageParam !== null ? `&after=${pageParam}` : ''}`),
    getNextPageParam: (last) => {
      const events = listOf<AuditEventJson>(last, 'events');
      return events.length === PAGE ? events[events.length - 1]!.seq : null;
    },
  });
  const events = (q.data?.pages ?? []).flatMap((p) => listOf<AuditEventJson>(p, 'events'));
  const [verify, setVerify] = useState<VerifyJson | null>(null);
  const [error, setError] = useState<unknown>(null);
  const runVerify = async () => {
    setError(null);
    setVerify(null);
    try {
      setVerify(await api<VerifyJson>('/api/audit/verify', { method: 'POST', body: {} }));
    } catch (e) {
      setError(e);
    }
  };
  const broken = verify?.broken_at ?? verify?.first_break?.seq;
  return (
    <>
      <h1>{t('audit.title')}</h1>
      <div className="toolbar">
        <button type="button" onClick={() => void runVerify()}>
          {t('audit.verify')}
        </button>
        <p role="status">
          {verify
            ? verify.ok
              ? `✓ ${t('audit.ok', { n: verify.count ?? verify.events ?? events.length, head: (verify.head ?? '').slice(0, 16) })}`
              : `✗ ${t('audit.broken', { seq: broken ?? '?' })}`
            : ''}
        </p>
      </div>
      <ErrorNote error={error ?? q.error} />
      {q.isPending ? <Loading /> : null}
      <table>
        <thead>
          <tr>
            <th scope="col">{t('audit.seq')}</th>
            <th scope="col">{t('audit.at')}</th>
            <th scope="col">{t('audit.actor')}</th>
            <th scope="col">{t('audit.action')}</th>
            <th scope="col">{t('audit.subject')}</th>
          </tr>
        </thead>
        <tbody>
          {events.map((e) => (
            <tr key={e.seq}>
              <td>{e.seq}</td>
              <td>
                <InstantText value={e.at} />
              </td>
              <td>{e.actor}</td>
              <td>
                <code>{e.action}</code>
              </td>
              <td>{e.subject}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {q.hasNextPage ? (
        <button type="button" className="secondary" onClick={() => void q.fetchNextPage()}>
          {t('audit.more')}
        </button>
      ) : null}
    </>
  );
}
