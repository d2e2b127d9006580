import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorNote } from '../components/common.js';
import { api } from '../lib/api.js';
import { verifyLines, type PackageVerifyJson } from '../lib/package-verify.js';

const MARK = { ok: '✓', bad: '✗', info: '•' } as const;

/** Verify a signed package (issue 12 item 5): the same check as `ccheck package verify --store`, in the browser. */
export function VerifyPage() {
  const { t, i18n } = useTranslation();
  const [file, setFile] = useState<File | null>(null);
  const [result, setResult] = useState<PackageVerifyJson | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!file) return;
    setError(null);
    setResult(null);
    setBusy(true);
    try {
      const form = new FormData();
      form.append('file', file, file.name);
      setResult(await api<PackageVerifyJson>('/api/packages/verify', { method: 'POST', form }));
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  // A problem kind the pages do not know yet keeps its code.
  const kind = (k: string | number) => (i18n.exists(`verify.kind.${k}`) ? t(`verify.kind.${k}`) : String(k));
  return (
    <>
      <h1>{t('verify.title')}</h1>
      <p className="muted">{t('verify.intro')}</p>
      <form className="card" onSubmit={(e) => void submit(e)}>
        <label htmlFor="package-file">{t('verify.file')}</label>
        <input id="package-file" type="file" accept=".zip,application/zip" required onChange={(e) => setFile(e.target.files?.[0] ?? null)} />
        <button type="submit" disabled={!file || busy}>
          {t('verify.submit')}
        </button>
      </form>
      <ErrorNote error={error} />
      <p role="status" className="notice">
        {busy ? t('verify.checking') : result ? (result.ok ? t('verify.valid') : t('verify.invalid', { n: result.problems.length })) : ''}
      </p>
      {result ? (
        <section aria-labelledby="h-verify-result">
          <h2 id="h-verify-result">{t('verify.result')}</h2>
          <ul className="verify-lines">
            {verifyLines(result).map((l, i) => (
              <li key={i} className={`verify-${l.tone}`}>
                <span aria-hidden="true">{MARK[l.tone]} </span>
                {t(`verify.${l.key}`, { ...l.params, kind: l.key === 'problem' ? kind(l.params.kind ?? '') : l.params.kind })}
              </li>
            ))}
          </ul>
        </section>
      ) : null}
    </>
  );
}
