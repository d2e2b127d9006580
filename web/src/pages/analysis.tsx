import { useEffect, useMemo, useState, type FormEvent } from 'react';
import { useNavigate, useParams, useSearch } from '@tanstack/react-router';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { ErrorNote, InstantText, Loading, StatusBadge, listOf, useApi } from '../components/common.js';
import { api, firmPath, runPath } from '../lib/api.js';
import {
  findingRows,
  initialOptionValue,
  jobFinished,
  jobFraction,
  optionInput,
  optionsPayload,
  rememberJob,
  startedJobs,
  type StartedJob,
} from '../lib/analysis.js';
import type { AnalyzerJson, EvidenceJson, JobJson, RunJson, RunSummaryJson } from '../lib/types.js';

const POLL_MS = 1000;
const kib = (n: number) => `${(n / 1024).toFixed(n < 10240 ? 1 : 0)} KiB`;

/** One job's row: polled while it runs; a finished job stops asking. */
function JobRow({ started, shown, onShow }: { started: StartedJob; shown: boolean; onShow: (job: JobJson) => void }) {
  const { t } = useTranslation();
  const q = useQuery<JobJson>({
    queryKey: ['job', started.id],
    queryFn: () => api<JobJson>(`/api/jobs/${encodeURIComponent(started.id)}`),
    refetchInterval: (query) => (query.state.data && jobFinished(query.state.data) ? false : POLL_MS),
    retry: false,
  });
  const job = q.data;
  const fraction = job ? jobFraction(job) : null;
  const label = t('analysis.progressOf', { analyzer: started.analyzer });
  return (
    <tr>
      <th scope="row">
        <code>{started.analyzer}</code>
      </th>
      <td>
        <InstantText value={started.started_at} />
      </td>
      <td>
        {q.error ? (
          <ErrorNote error={q.error} />
        ) : job ? (
          <StatusBadge status={job.state === 'done' ? 'done' : job.state === 'failed' ? 'rejected' : 'pending'} />
        ) : null}{' '}
        {job ? t(`analysis.state.${job.state}`) : ''}
        {job && !jobFinished(job) ? <progress aria-label={label} max={1} {...(fraction === null ? {} : { value: fraction })} /> : null}
        {job?.error ? (
          <span className="error-inline">
            {' '}
            <code>{job.error.code}</code> {job.error.message}
          </span>
        ) : null}
      </td>
      <td>{job?.result?.verdict ? <StatusBadge status={verdictStatus(job.result.verdict)} /> : null}</td>
      <td>{job?.result ? t('analysis.recordedN', { n: job.result.recorded?.length ?? 0, f: job.result.findings ?? 0 }) : null}</td>
      <td>
        {job?.state === 'done' ? (
          <button type="button" className="secondary" aria-pressed={shown} onClick={() => onShow(job)}>
            {t('analysis.show')}
          </button>
        ) : null}
      </td>
    </tr>
  );
}

/** An analyzer's verdict in the badge words the pages already use. */
const verdictStatus = (v: string) => (v === 'pass' ? 'compliant' : v === 'fail' ? 'non_compliant' : v === 'partial' ? 'partial' : v);

/**
 * Analyzers as jobs on a run: evidence already in the vault, an analyzer and its declared options,
 * start (202 + job id), watch progress, then the verdict and each finding with its file and line.
 */
export function AnalysisPage() {
  const { t, i18n } = useTranslation();
  const qc = useQueryClient();
  const navigate = useNavigate();
  const { firm } = useParams({ from: '/app/firms/$firm/analysis' });
  const search = useSearch({ from: '/app/firms/$firm/analysis' });
  const runsQ = useApi<unknown>(`${firmPath(firm)}/runs`);
  const runs = listOf<RunSummaryJson>(runsQ.data, 'runs').sort((a, b) => b.period.localeCompare(a.period));
  const period = search.period ?? runs.find((r) => !r.signed)?.period ?? runs[0]?.period ?? null;
  const evidenceQ = useApi<{ evidence: EvidenceJson[] }>(`${firmPath(firm)}/evidence`);
  const analyzersQ = useApi<{ analyzers: AnalyzerJson[] }>('/api/analyzers');
  const runQ = useApi<RunJson>(period ? runPath(firm, period) : null);
  const analyzers = analyzersQ.data?.analyzers ?? [];
  const [analyzerId, setAnalyzerId] = useState('');
  const analyzer = analyzers.find((a) => a.id === analyzerId) ?? analyzers[0] ?? null;
  const evidence = evidenceQ.data?.evidence ?? [];
  const [values, setValues] = useState<Record<string, string>>({});
  const [chosen, setChosen] = useState<string[]>([]);
  const [jobs, setJobs] = useState<StartedJob[]>([]);
  const [shown, setShown] = useState<{ job: JobJson; files?: readonly string[] } | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [notice, setNotice] = useState('');

  useEffect(() => {
    if (analyzer) setValues(Object.fromEntries(analyzer.options.map((o) => [o.name, initialOptionValue(o)])));
  }, [analyzer]);
  useEffect(() => {
    setJobs(period ? startedJobs(sessionStorage, firm, period) : []);
    setShown(null);
  }, [firm, period]);
  const rows = useMemo(
    () =>
      shown && runQ.data && analyzer
        ? findingRows(runQ.data.items, shown.job.result?.recorded ?? [], shown.job.result?.analyzer ?? analyzer.id, shown.files)
        : [],
    [shown, runQ.data, analyzer],
  );

  const start = async (e: FormEvent) => {
    e.preventDefault();
    if (!analyzer || !period) return;
    setError(null);
    setNotice('');
    try {
      const r = await api<{ job_id: string }>(`${runPath(firm, period)}/analyze`, {
        method: 'POST',
        body: { analyzer: analyzer.id, evidence: chosen, options: optionsPayload(analyzer.options, values) },
      });
      const files = evidence.filter((ev) => chosen.includes(ev.sha256)).map((ev) => ev.name);
      setJobs(rememberJob(sessionStorage, firm, period, { id: r.job_id, analyzer: analyzer.id, started_at: new Date().toISOString(), files }));
      setNotice(t('analysis.started'));
    } catch (err) {
      setError(err);
    }
  };
  const show = (job: JobJson) => {
    const files = jobs.find((j) => j.id === job.id)?.files;
    setShown(files ? { job, files } : { job });
    // The job recorded into the run: read it again for the findings.
    if (period) void qc.invalidateQueries({ queryKey: [runPath(firm, period)] });
  };

  if (runsQ.isPending || analyzersQ.isPending) return <Loading />;
  const en = i18n.language === 'en';
  return (
    <>
      <h1>{t('analysis.title')}</h1>
      <p>{t('analysis.intro')}</p>
      <ErrorNote error={runsQ.error ?? analyzersQ.error ?? evidenceQ.error} />
      <form onSubmit={(e) => void start(e)} className="stack analysis-form">
        <label htmlFor="analysis-run">{t('analysis.run')}</label>
        <select
          id="analysis-run"
          value={period ?? ''}
          onChange={(e) => void navigate({ to: '/firms/$firm/analysis', params: { firm }, search: { period: e.target.value } })}
        >
          {runs.map((r) => (
            <option key={r.id ?? r.period} value={r.period}>
              {r.period} {r.signed ? `(${t('runs.signed')})` : ''}
            </option>
          ))}
        </select>
        <label htmlFor="analysis-analyzer">{t('analysis.analyzer')}</label>
        <select id="analysis-analyzer" value={analyzer?.id ?? ''} onChange={(e) => setAnalyzerId(e.target.value)} aria-describedby="analysis-about">
          {analyzers.map((a) => (
            <option key={a.id} value={a.id}>
              {en ? a.title_en : a.title} ({a.id})
            </option>
          ))}
        </select>
        {analyzer ? (
          <div id="analysis-about" className="muted">
            {t('analysis.items')}:{' '}
            {analyzer.items.map((i) => (
              <code key={i}>{i} </code>
            ))}
            <br />
            {t('analysis.inputs')}: {analyzer.inputs.map((i) => `${i.name} (${i.formats.join(', ')})`).join('; ')}
          </div>
        ) : null}
        <fieldset>
          <legend>{t('analysis.evidence')}</legend>
          {evidence.length === 0 ? <p className="muted">{t('analysis.noEvidence')}</p> : null}
          <ul className="plain evidence-choice">
            {evidence.map((ev) => (
              <li key={ev.sha256}>
                <label className="check">
                  <input
                    type="checkbox"
                    name="evidence"
                    value={ev.sha256}
                    checked={chosen.includes(ev.sha256)}
                    onChange={(e) => setChosen(e.target.checked ? [...chosen, ev.sha256] : chosen.filter((s) => s !== ev.sha256))}
                  />{' '}
                  {ev.name} <span className="muted">({kib(ev.size)})</span>
                </label>
              </li>
            ))}
          </ul>
        </fieldset>
        {analyzer && analyzer.options.length ? (
          <fieldset>
            <legend>{t('analysis.options')}</legend>
            {analyzer.options.map((o) => {
              const input = optionInput(o);
              const id = `opt-${o.name}`;
              const desc = o.description ? { 'aria-describedby': `${id}-desc` } : {};
              const value = values[o.name] ?? '';
              const set = (v: string) => setValues({ ...values, [o.name]: v });
              return (
                <div key={o.name} className="option">
                  <label htmlFor={id}>
                    <code>{o.name}</code>
                    {o.required ? ` (${t('analysis.required')})` : ''}
                  </label>
                  {input.kind === 'select' ? (
                    <select id={id} value={value} onChange={(e) => set(e.target.value)} {...desc}>
                      {o.required ? null : <option value="">{t('analysis.default')}</option>}
                      {input.values.map((v) => (
                        <option key={v} value={v}>
                          {v}
                        </option>
                      ))}
                    </select>
                  ) : input.kind === 'boolean' ? (
                    <select id={id} value={value} onChange={(e) => set(e.target.value)} {...desc}>
                      <option value="">{t('analysis.default')}</option>
                      <option value="true">true</option>
                      <option value="false">false</option>
                    </select>
                  ) : (
                    <input
                      id={id}
                      value={value}
                      onChange={(e) => set(e.target.value)}
                      {...(input.kind === 'number' ? { type: 'number', step: input.integer ? 1 : 'any', min: input.min, max: input.max } : {})}
                      {...desc}
                    />
                  )}
                  {o.description ? (
                    <span id={`${id}-desc`} className="muted">
                      {o.description}
                    </span>
                  ) : null}
                </div>
              );
            })}
          </fieldset>
        ) : null}
        <ErrorNote error={error} />
        <button type="submit" disabled={!period || !analyzer || chosen.length === 0}>
          {t('analysis.start')}
        </button>
        <p role="status" className="notice">
          {notice}
        </p>
      </form>

      <section aria-labelledby="h-jobs">
        <h2 id="h-jobs">{t('analysis.jobs')}</h2>
        {jobs.length ? (
          <table className="jobs">
            <thead>
              <tr>
                <th scope="col">{t('analysis.analyzer')}</th>
                <th scope="col">{t('analysis.startedAt')}</th>
                <th scope="col">{t('analysis.stateLabel')}</th>
                <th scope="col">{t('analysis.verdict')}</th>
                <th scope="col">{t('analysis.recorded')}</th>
                <th scope="col">
                  <span className="sr-only">{t('analysis.show')}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {jobs.map((j) => (
                <JobRow key={j.id} started={j} shown={shown?.job.id === j.id} onShow={show} />
              ))}
            </tbody>
          </table>
        ) : (
          <p className="muted">{t('analysis.noJobs')}</p>
        )}
      </section>

      {shown ? (
        <section aria-labelledby="h-job-result" className="card">
          <h2 id="h-job-result">
            {t('analysis.result', { analyzer: shown.job.result?.analyzer ?? '' })}{' '}
            {shown.job.result?.verdict ? <StatusBadge status={verdictStatus(shown.job.result.verdict)} /> : null}
          </h2>
          <p>
            {t('analysis.recorded')}:{' '}
            {(shown.job.result?.recorded ?? []).map((p) => (
              <code key={p}>{p} </code>
            ))}
            {shown.job.result?.skipped?.length ? (
              <>
                {' '}
                · {t('analysis.skipped')}:{' '}
                {shown.job.result.skipped.map((p) => (
                  <code key={p}>{p} </code>
                ))}
              </>
            ) : null}
          </p>
          {shown.files?.length ? (
            <p>
              {t('analysis.files')}:{' '}
              {shown.files.map((f) => (
                <code key={f}>{f} </code>
              ))}
            </p>
          ) : null}
          {runQ.isFetching ? <Loading /> : null}
          {rows.length ? (
            <table className="finding-rows">
              <caption>{t('analysis.findingsN', { n: rows.length })}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('analysis.item')}</th>
                  <th scope="col">{t('analysis.severity')}</th>
                  <th scope="col">{t('analysis.where')}</th>
                  <th scope="col">{t('analysis.rule')}</th>
                  <th scope="col">{t('analysis.detail')}</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((r, i) => (
                  <tr key={i}>
                    <th scope="row">
                      <code>{r.item}</code>
                    </th>
                    <td>
                      {r.severity}
                      {r.failing ? ` · ${t('analysis.failing')}` : ''}
                    </td>
                    <td>
                      <code>
                        {r.file}
                        {r.line !== null ? `:${r.line}` : ''}
                      </code>
                    </td>
                    <td>{r.rule ? <code>{r.rule}</code> : null}</td>
                    <td>{en ? r.detail : r.detail_zh}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : runQ.isFetching ? null : (
            <p className="muted">{t('analysis.noFindings')}</p>
          )}
        </section>
      ) : null}
    </>
  );
}
