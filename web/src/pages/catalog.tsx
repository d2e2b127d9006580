import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { DateText, ErrorNote, Loading, listOf, useApi } from '../components/common.js';

interface VersionJson {
  id: string;
  title?: string;
  effective_date?: string | null;
  nodes?: number;
}
interface TextJson {
  title?: string | null;
  text?: string | null;
}
interface ChangeJson {
  kind: string;
  path?: string | null;
  old_path?: string | null;
  code?: string | null;
  before?: TextJson | null;
  after?: TextJson | null;
  rationale?: string | null;
}

/** Catalog versions and the side-by-side amendment diff (current text beside the amended text). */
export function CatalogPage() {
  const { t } = useTranslation();
  const versions = useApi<unknown>('/api/catalog/versions');
  const list = listOf<VersionJson>(versions.data, 'versions');
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [asked, setAsked] = useState<{ from: string; to: string } | null>(null);
  const defaultFrom = from || list[0]?.id || '';
  const defaultTo = to || list[list.length - 1]?.id || '';
  const diff = useApi<unknown>(asked ? `/api/catalog/diff?from=${encodeURIComponent(asked.from)}&to=${encodeURIComponent(asked.to)}` : null);
  const changes = listOf<ChangeJson>(diff.data, 'changes');
  const compare = (e: FormEvent) => {
    e.preventDefault();
    setAsked({ from: defaultFrom, to: defaultTo });
  };
  const name = (v: VersionJson) => v.title ?? v.id;
  return (
    <>
      <h1>{t('catalog.title')}</h1>
      <ErrorNote error={versions.error} />
      {versions.isPending ? <Loading /> : null}
      <section aria-labelledby="h-versions">
        <h2 id="h-versions">{t('catalog.versions')}</h2>
        <ul>
          {list.map((v) => (
            <li key={v.id}>
              {name(v)} <code className="muted">{v.id}</code> <DateText value={v.effective_date} />
              {v.nodes ? <span className="muted"> · {v.nodes}</span> : null}
            </li>
          ))}
        </ul>
      </section>
      <section aria-labelledby="h-diff">
        <h2 id="h-diff">{t('catalog.diff')}</h2>
        <form onSubmit={compare} className="inline">
          <label htmlFor="diff-from">{t('catalog.from')}</label>
          <select id="diff-from" value={defaultFrom} onChange={(e) => setFrom(e.target.value)}>
            {list.map((v) => (
              <option key={v.id} value={v.id}>
                {name(v)}
              </option>
            ))}
          </select>
          <label htmlFor="diff-to">{t('catalog.to')}</label>
          <select id="diff-to" value={defaultTo} onChange={(e) => setTo(e.target.value)}>
            {list.map((v) => (
              <option key={v.id} value={v.id}>
                {name(v)}
              </option>
            ))}
          </select>
          <button type="submit">{t('catalog.compare')}</button>
        </form>
        <ErrorNote error={diff.error} />
        {asked && diff.isPending ? <Loading /> : null}
        {changes.length ? (
          <table className="diff">
            <thead>
              <tr>
                <th scope="col">{t('catalog.kind')}</th>
                <th scope="col">{t('catalog.before')}</th>
                <th scope="col">{t('catalog.after')}</th>
              </tr>
            </thead>
            <tbody>
              {changes.map((c, i) => (
                <tr key={i}>
                  <th scope="row">
                    {c.kind}
                    <br />
                    <code>{c.path ?? c.old_path}</code>
                  </th>
                  <td className="before">
                    {c.old_path ? <code>{c.old_path} </code> : null}
                    {c.before?.title ? <strong>{c.before.title} </strong> : null}
                    {c.before?.text}
                  </td>
                  <td className="after">
                    {c.after && c.path ? <code>{c.path} </code> : null}
                    {c.after?.title ? <strong>{c.after.title} </strong> : null}
                    {c.after?.text}
                    {c.rationale ? <p className="muted">{c.rationale}</p> : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : null}
      </section>
    </>
  );
}
