import { useState } from 'react';
import { useInfiniteQuery } from '@tanstack/react-query';
import { useSearch } from '@tanstack/react-router';
import { useTranslation } from 'react-i18next';
import { ErrorNote, InstantText, Loading, listOf } from '../components/common.js';
import { api, type ApiError } from '../lib/api.js';
import type { AuditEventJson } from '../lib/types.js';

interface VerifyJson {
  ok: boolean;
  events?: number;
  head?: string;
  problems?: (string | { message?: string; seq?: number })[];
}

const PAGE = 50;

/** The audit trail, page by page, and "verify" (the hash chain, every row against its last hash, the MACs). */
export function AuditPage() {
  const { t } = useTranslation();
  // A firm's trail (any role with audit.read for it); the whole store's only for a grant on every firm.
  const { firm } = useSearch({ from: '/app/audit' });
  const scope = firm ? `&firm=${encodeURIComponent(firm)}` : '';
  const q = useInfiniteQuery<unknown, ApiError, { pages: unknown[] }, string[], number | null>({
    queryKey: ['/api/audit', firm ?? ''],
    initialPageParam: null,
    queryFn: ({ pageParam }) => api(`/api/audit?limit=${PAGE}${scope}${pageParam !== null ? `&after=${pageParam}` : ''}`),
    getNextPageParam: (last) => {
      const events = listOf<AuditEventJson>(last, 'events');
      const next = (last as { next_after?: number | null }).next_after;
      return events.length === PAGE ? (next ?? events[events.length - 1]!.seq) : null;
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
  const problems = (verify?.problems ?? []).map((p) => (typeof p === 'string' ? p : `${p.seq ?? ''} ${p.message ?? ''}`.trim())).join('；');
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
              ? `✓ ${t('audit.ok', { n: verify.events ?? events.length, head: (verify.head ?? '').slice(0, 16) })}`
              : `✗ ${t('audit.broken', { problems })}`
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
              <td>
                {e.entity} <code className="muted">{e.entity_id?.slice(0, 12)}</code>
              </td>
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
