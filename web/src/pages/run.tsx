import { useRef, useState, type DragEvent, type FormEvent } from 'react';
import { useParams } from '@tanstack/react-router';
import { useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { DateText, ErrorNote, InstantText, Loading, StatusBadge, useApi } from '../components/common.js';
import { api, ApiError, runPath, seg, firmPath, upload } from '../lib/api.js';
import { formatDate, shiftDays, taipeiToday } from '../lib/dates.js';
import { usePrefs } from '../prefs.js';
import type { ResultStatus, RunItemJson, RunJson, SignatureHistoryJson } from '../lib/types.js';
import { shortHash } from '../lib/package-verify.js';
import { ITEM_FILTERS, itemState, filterItems, type ItemFilter } from '../lib/run-items.js';

const RESULT_STATUSES: ResultStatus[] = ['pass', 'partial', 'fail', 'not_applicable'];

/** One inspection: every item with its text, why it applies, analyzer findings, evidence, result, approval; sign-off and reports. */
export function RunPage() {
  const { t } = useTranslation();
  const { calendar } = usePrefs();
  const qc = useQueryClient();
  const { firm, period } = useParams({ from: '/app/firms/$firm/runs/$period' });
  const path = runPath(firm, period);
  const q = useApi<RunJson>(path);
  const [selected, setSelected] = useState<string | null>(null);
  const [filter, setFilter] = useState<ItemFilter>('all');
  const [error, setError] = useState<unknown>(null);
  const [notice, setNotice] = useState('');
  const refresh = () => qc.invalidateQueries({ queryKey: [path] });
  const act = async (work: () => Promise<unknown>, done: string) => {
    setError(null);
    setNotice('');
    try {
      await work();
      setNotice(done);
      await refresh();
      await qc.invalidateQueries({ queryKey: [`${path}/signatures`] });
      await qc.invalidateQueries({ queryKey: [`${firmPath(firm)}/dashboard`] });
    } catch (e) {
      setError(e);
    }
  };
  if (q.isPending) return <Loading />;
  if (!q.data) return <ErrorNote error={q.error} />;
  const run = q.data;
  const signature = run.run.signature;
  const signed = signature?.signed ?? false;
  const items = filterItems(run.items, filter);
  const item = run.items.find((i) => i.path === selected) ?? null;

  return (
    <>
      <h1>{t('run.title', { period: formatDate(period, calendar) })}</h1>
      <section aria-labelledby="h-sign" className="card run-head">
        <h2 id="h-sign" className="sr-only">
          {t('run.signoff')}
        </h2>
        {signed ? (
          <p>
            <StatusBadge status="approved" /> {t('run.signedBy', { who: signature?.signed_by ?? '', at: '' })}
            <InstantText value={signature?.signed_at} />
            {signature?.revision ? <span className="muted"> · {t('runs.revision', { n: signature.revision })}</span> : null}
          </p>
        ) : null}
        {signed ? <p className="muted">{t('run.readOnly')}</p> : null}
        <div className="actions">
          {!signed ? (
            <button type="button" onClick={() => void act(() => api(`${path}/signoff`, { method: 'POST', body: {} }), t('runs.signed'))}>
              {t('run.signoff')}
            </button>
          ) : (
            <button type="button" className="secondary" onClick={() => void act(() => api(`${path}/revise`, { method: 'POST', body: {} }), t('run.revise'))}>
              {t('run.revise')}
            </button>
          )}
        </div>
        <ErrorNote error={error} />
        <p role="status" className="notice">
          {notice}
        </p>
        <Downloads path={path} onError={setError} />
      </section>
      <SignatureHistory path={path} />
      <div className="split">
        <section aria-labelledby="h-items" className="items">
          <h2 id="h-items">
            {t('run.items')} <span className="muted">{t('run.count', { n: items.length })}</span>
          </h2>
          <label htmlFor="item-filter">{t('run.filter')}</label>
          <select id="item-filter" value={filter} onChange={(e) => setFilter(e.target.value as ItemFilter)}>
            <option value="all">{t('run.all')}</option>
            {ITEM_FILTERS.map((s) => (
              <option key={s} value={s}>
                {t(`status.${s}`)}
              </option>
            ))}
          </select>
          <ul className="item-list">
            {items.map((i) => (
              <li key={i.path}>
                <button
                  type="button"
                  className={`item-button${i.path === selected ? ' current' : ''}`}
                  aria-current={i.path === selected ? 'true' : undefined}
                  onClick={() => setSelected(i.path)}
                >
                  <code>{i.path}</code> <StatusBadge status={itemState(i)} />
                  <span className="item-title">{i.title ?? i.text?.slice(0, 40)}</span>
                </button>
              </li>
            ))}
          </ul>
        </section>
        <section aria-labelledby="h-item" className="item-detail">
          {item ? (
            <ItemDetail key={item.path} firm={firm} period={period} item={item} signed={signed} act={act} />
          ) : (
            <h2 id="h-item" className="muted">
              {t('run.select')}
            </h2>
          )}
        </section>
      </div>
    </>
  );
}

interface DetailProps {
  firm: string;
  period: string;
  item: RunItemJson;
  signed: boolean;
  act: (work: () => Promise<unknown>, done: string) => Promise<void>;
}

function ItemDetail({ firm, period, item, signed, act }: DetailProps) {
  const { t, i18n } = useTranslation();
  const itemPath = `${runPath(firm, period)}/items/${seg(item.path)}`;
  const recorded = item.result?.status;
  const [status, setStatus] = useState<ResultStatus>(recorded && RESULT_STATUSES.includes(recorded) ? recorded : 'pass');
  const [note, setNote] = useState(item.result?.justification ?? item.result?.note ?? '');
  const [justification, setJustification] = useState(item.result?.justification ?? '');
  // An attestation holds until a date after today (the CLI's --expires); a year ahead unless changed.
  const [expiresOn, setExpiresOn] = useState(item.result?.expires_on ?? shiftDays(taipeiToday(), 365));
  const [reason, setReason] = useState('');
  const record = (e: FormEvent) => {
    e.preventDefault();
    void act(
      () =>
        api(`${itemPath}/result`, {
          method: 'PUT',
          // The server keeps one justification per result; `note` is its alias for the recorded reasoning.
          body: { status, justification: status === 'not_applicable' ? justification || note : note, expires_on: expiresOn || null },
        }),
      t('run.saved'),
    );
  };
  return (
    <article>
      <h2 id="h-item">
        <code>{item.path}</code> {item.title}
      </h2>
      <p className="item-text">{item.text}</p>
      <h3>{t('run.why')}</h3>
      {item.applies === false ? <p>{t('run.notApplies')}</p> : null}
      {item.why ? <p>{item.why}</p> : null}
      <h3>{t('run.analyzer')}</h3>
      {item.analyzer?.verdicts?.length ? (
        <ul className="plain">
          {item.analyzer.verdicts.map((v) => (
            <li key={v.analyzer}>
              <code>{v.analyzer}</code> <StatusBadge status={v.verdict} />
            </li>
          ))}
        </ul>
      ) : (
        <p>{t('app.none')}</p>
      )}
      {item.analyzer?.findings?.length ? (
        <ul>
          {item.analyzer.findings.map((f, i) => (
            <li key={i}>
              {f.severity ? <span className="badge">{f.severity}</span> : null} {f.clause ? <code>{f.clause}</code> : null}{' '}
              {(i18n.language === 'en' ? f.detail : f.detail_zh || f.detail) ?? f.message} {f.file ? <span className="muted">{f.file}</span> : null}{' '}
              {f.rows?.length ? <span className="muted">({f.rows.slice(0, 5).join('、')})</span> : null}
            </li>
          ))}
        </ul>
      ) : null}
      <h3>{t('run.evidence')}</h3>
      <ul>
        {(item.evidence ?? []).map((ev) => (
          <li key={ev.sha256}>
            <a href={`${firmPath(firm)}/evidence/${ev.sha256}`} download={ev.name}>
              {ev.name}
            </a>{' '}
            <span className="muted">
              {Math.ceil(ev.size / 1024)} KB · <DateText value={ev.collected_at} /> · <code>{ev.sha256.slice(0, 12)}</code>
            </span>
          </li>
        ))}
      </ul>
      {!signed ? <EvidenceDrop firm={firm} period={period} itemPath={item.path} act={act} /> : null}
      <h3>{t('run.result')}</h3>
      {item.result?.recorded_by ? (
        <p className="muted">
          {t('run.recordedBy', { who: item.result.recorded_by, at: '' })}
          <InstantText value={item.result.recorded_at} />
        </p>
      ) : null}
      {!signed ? (
        <form onSubmit={record} className="stack">
          <fieldset>
            <legend>{t('run.status')}</legend>
            {RESULT_STATUSES.map((s) => (
              <label key={s} className="radio">
                <input type="radio" name="status" value={s} checked={status === s} onChange={() => setStatus(s)} /> {t(`status.${s}`)}
              </label>
            ))}
          </fieldset>
          <label htmlFor="result-note">{t('run.note')}</label>
          <textarea id="result-note" value={note} onChange={(e) => setNote(e.target.value)} rows={3} />
          {status === 'not_applicable' ? (
            <>
              <label htmlFor="result-justification">{t('run.justification')}</label>
              <textarea id="result-justification" value={justification} onChange={(e) => setJustification(e.target.value)} rows={2} />
            </>
          ) : null}
          <label htmlFor="result-expires">{t('run.expiresOn')}</label>
          <input id="result-expires" type="date" required value={expiresOn} onChange={(e) => setExpiresOn(e.target.value)} />
          <button type="submit">{t('run.record')}</button>
        </form>
      ) : null}
      {item.approval ? (
        <p>
          <StatusBadge status={item.approval.state} /> {item.approval.by} <InstantText value={item.approval.at} />
        </p>
      ) : null}
      {item.rejection ? (
        <p>
          <StatusBadge status="rejected" /> {item.rejection.by} <InstantText value={item.rejection.at} /> — {item.rejection.reason}
        </p>
      ) : null}
      {!signed && item.result && item.result.status !== 'not_run' && item.approval?.state !== 'approved' ? (
        <div className="approve">
          <button type="button" onClick={() => void act(() => api(`${itemPath}/approve`, { method: 'POST', body: {} }), t('status.approved'))}>
            {t('run.approve')}
          </button>
          <label htmlFor="reject-reason">{t('run.reason')}</label>
          <input id="reject-reason" value={reason} onChange={(e) => setReason(e.target.value)} />
          <button
            type="button"
            className="secondary"
            disabled={!reason.trim()}
            onClick={() => void act(() => api(`${itemPath}/reject`, { method: 'POST', body: { reason } }), t('status.rejected'))}
          >
            {t('run.reject')}
          </button>
        </div>
      ) : null}
    </article>
  );
}

/** Drag and drop (or choose) evidence files; each streams to the vault with its own progress bar. */
function EvidenceDrop({ firm, period, itemPath, act }: { firm: string; period: string; itemPath: string; act: DetailProps['act'] }) {
  const { t } = useTranslation();
  const input = useRef<HTMLInputElement>(null);
  const [collectedAt, setCollectedAt] = useState(taipeiToday);
  const [over, setOver] = useState(false);
  const [progress, setProgress] = useState<{ name: string; fraction: number } | null>(null);
  const send = (files: FileList | null) => {
    if (!files?.length) return;
    void act(
      async () => {
        for (const file of Array.from(files)) {
          const form = new FormData();
          // Fields before the file: the server reads them before it streams the file into the vault.
          form.append('collected_at', collectedAt);
          form.append('period', period);
          form.append('item', itemPath);
          form.append('file', file, file.name);
          setProgress({ name: file.name, fraction: 0 });
          await upload(`${firmPath(firm)}/evidence`, form, (fraction) => setProgress({ name: file.name, fraction }));
          setProgress({ name: file.name, fraction: 1 });
        }
      },
      t('run.uploaded', { name: Array.from(files, (f) => f.name).join('、') }),
    );
  };
  const onDrop = (e: DragEvent) => {
    e.preventDefault();
    setOver(false);
    send(e.dataTransfer.files);
  };
  return (
    <div className={`drop${over ? ' over' : ''}`} onDragOver={(e) => (e.preventDefault(), setOver(true))} onDragLeave={() => setOver(false)} onDrop={onDrop}>
      <label htmlFor="collected-at">{t('run.collectedAt')}</label>
      <input id="collected-at" type="date" required value={collectedAt} onChange={(e) => setCollectedAt(e.target.value)} />
      <p>
        {t('run.drop')}{' '}
        <button type="button" className="link" onClick={() => input.current?.click()}>
          {t('run.choose')}
        </button>
      </p>
      <input ref={input} id="evidence-file" type="file" multiple className="sr-only" aria-label={t('run.choose')} onChange={(e) => send(e.target.files)} />
      {progress ? (
        <p>
          <label htmlFor="upload-progress">{t('run.uploading', { pct: Math.round(progress.fraction * 100) })}</label>{' '}
          <progress id="upload-progress" max={1} value={progress.fraction} />
        </p>
      ) : null}
    </div>
  );
}

/** The e-signature history (TWSE 臺證輔字第1060504884號: produced on demand when an outside party inspects). */
function SignatureHistory({ path }: { path: string }) {
  const { t, i18n } = useTranslation();
  const q = useApi<SignatureHistoryJson>(`${path}/signatures`);
  // A role or action the pages do not know yet shows its code.
  const word = (group: string, value: string) => (i18n.exists(`${group}.${value}`) ? t(`${group}.${value}`) : value);
  const history = q.data?.history ?? [];
  return (
    <details className="card signatures">
      <summary>
        <h2 id="h-signatures">{t('sig.title')}</h2>
      </summary>
      <ErrorNote error={q.error} />
      {q.isPending ? <Loading /> : null}
      {history.length === 0 && !q.isPending ? <p className="muted">{t('sig.none')}</p> : null}
      {history.length > 0 ? (
        <table aria-labelledby="h-signatures">
          <thead>
            <tr>
              <th scope="col">{t('sig.at')}</th>
              <th scope="col">{t('sig.who')}</th>
              <th scope="col">{t('sig.what')}</th>
              <th scope="col">{t('sig.how')}</th>
              <th scope="col">{t('sig.reason')}</th>
            </tr>
          </thead>
          <tbody>
            {history.map((e) => (
              <tr key={e.seq}>
                <td>
                  <InstantText value={e.at} />
                </td>
                <td>
                  {e.actor} <span className="muted">（{word('sig.role', e.role)}）</span>
                </td>
                <td>
                  {word('sig.action', e.action)}
                  {e.item ? <code> {e.item}</code> : null}
                  {e.hash ? (
                    <code className="muted" title={e.hash}>
                      {' '}
                      {shortHash(e.hash)}
                    </code>
                  ) : null}
                </td>
                <td>{word('sig.auth', e.authentication)}</td>
                <td>{e.reason ?? ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </details>
  );
}

interface JobJson {
  state: 'queued' | 'running' | 'done' | 'failed';
  progress: { done: number; total: number | null };
  result?: { name: string; download: string };
  error?: { code: string; message: string };
}

/**
 * The reports and the package: a PDF takes about a second to make and a package's first build
 * longer, so each is a job on the server. The button starts it, the page polls its progress, and
 * the finished file is downloaded from the job.
 */
function Downloads({ path, onError }: { path: string; onError: (e: unknown) => void }) {
  const { t } = useTranslation();
  const [busy, setBusy] = useState<string | null>(null);
  const fetchFile = async (what: string, start: () => Promise<{ job_id: string }>) => {
    onError(null);
    setBusy(what);
    try {
      const { job_id: id } = await start();
      let job: JobJson;
      for (;;) {
        job = await api<JobJson>(`/api/jobs/${seg(id)}`);
        if (job.state === 'done' || job.state === 'failed') break;
        await new Promise((resolve) => setTimeout(resolve, 400));
      }
      if (job.state === 'failed' || !job.result) throw new ApiError(409, job.error?.code ?? 'UNEXPECTED', job.error?.message ?? '');
      const a = document.createElement('a');
      a.href = job.result.download;
      a.download = job.result.name;
      document.body.append(a);
      a.click();
      a.remove();
    } catch (e) {
      onError(e);
    } finally {
      setBusy(null);
    }
  };
  return (
    <nav aria-label={t('run.reports')} className="reports" aria-busy={busy !== null}>
      <span>{t('run.reports')}：</span>
      {(['pdf', 'html', 'xlsx'] as const).map((f) => (
        <button
          key={f}
          type="button"
          className="secondary"
          disabled={busy !== null}
          onClick={() => void fetchFile(f, () => api(`${path}/report-jobs`, { method: 'POST', body: { format: f } }))}
        >
          {f.toUpperCase()}
        </button>
      ))}
      <button
        type="button"
        className="secondary"
        disabled={busy !== null}
        onClick={() => void fetchFile('package', () => api(`${path}/package-jobs`, { method: 'POST', body: {} }))}
      >
        {t('run.package')}
      </button>
      <span role="status" className="muted">
        {busy ? t('run.making') : ''}
      </span>
    </nav>
  );
}
