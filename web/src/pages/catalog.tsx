import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorNote, Loading, listOf, useApi } from '../components/common.js';

interface VersionJson {
  id: string;
  label?: string;
  name?: string;
  effective_on?: string | null;
}
interface ChangeJson {
  kind: string;
  path?: string;
  from_path?: string | null;
  to_path?: string | null;
  before?: string | null;
  after?: string | null;
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
  const name = (v: VersionJson) => v.label ?? v.name ?? v.id.slice(0, 16);
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
              {name(v)} <code className="muted">{v.id.slice(0, 19)}</code>
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
                    <code>{c.to_path ?? c.path ?? c.from_path}</code>
                  </th>
                  <td className="before">
                    {c.from_path ? <code>{c.from_path} </code> : null}
                    {c.before}
                  </td>
                  <td className="after">
                    {c.to_path ? <code>{c.to_path} </code> : null}
                    {c.after}
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
