import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { packageRoot } from '../src/io/catalog-data.js';
import { ACTIONS, ROLE_ACTIONS, ROLES, type Action, type Role } from '../src/core/people/roles.js';

/**
 * The README's "who may do what" table, row by row, against the role table (src/core/people/roles.ts):
 * each phrase of a cell (commas between them) stands for the actions below, and a row's phrases must add up to exactly
 * the role's actions. A phrase not listed here fails too, so the table cannot drift in words either.
 */
const ROLE_OF: Record<string, Role> = {
  'administrator 系統管理者': 'admin',
  'officer 承辦人員': 'officer',
  'supervisor 覆核主管': 'supervisor',
  'CISO 資訊安全長': 'ciso',
  'internal auditor 內部稽核': 'auditor',
  'examiner 查核人員': 'examiner',
};
const READS: readonly Action[] = ['firm.read', 'evidence.read', 'report.read', 'catalog.read'];
const PHRASES: Record<string, readonly Action[]> = {
  // reads firms, evidence, reports, catalog
  yes: READS,
  'yes, across the firms granted': READS,
  'firms and catalog only': ['firm.read', 'catalog.read'],
  // changes (a cell lists phrases separated by commas)
  'firms and profiles': ['firm.create', 'firm.edit'],
  retention: ['firm.edit'],
  'people and grants': ['people.read', 'people.manage'],
  'backup and restore of the whole store': ['store.backup', 'store.restore'],
  'starts and revises runs': ['run.start', 'run.revise'],
  'records results': ['result.record'],
  'uploads evidence': ['evidence.upload'],
  'runs analyzers': ['analysis.run'],
  'updates findings': ['finding.update'],
  'approves or rejects results': ['result.approve', 'result.reject'],
  'signs the inspection off': ['run.signoff'],
  'opens a revision': ['run.revise'],
  nothing: [],
  // audit trail
  'read and verify': ['audit.read', 'audit.verify'],
  read: ['audit.read'],
  '—': [],
};

const readme = readFileSync(path.join(packageRoot(), 'README.md'), 'utf8');

function tableRows(): string[][] {
  const at = readme.indexOf('| role 角色');
  expect(at, 'the README has its role table').toBeGreaterThan(0);
  const lines = readme.slice(at).split('\n');
  const rows = lines.slice(
    2,
    lines.findIndex((l) => !l.startsWith('|')),
  );
  return rows.map((l) =>
    l
      .split('|')
      .slice(1, -1)
      .map((c) => c.trim()),
  );
}

describe("the README's role table", () => {
  it('says of each role exactly what the role table allows it', () => {
    const rows = tableRows();
    expect(rows.map((r) => ROLE_OF[r[0]!])).toEqual([...ROLES]);
    for (const [name, reads, changes, audit] of rows) {
      // A remark in brackets qualifies a phrase ("never their own, judged by account") and grants nothing.
      const phrases = [reads!, ...changes!.replace(/\s*\([^)]*\)/g, '').split(', '), audit!];
      for (const p of phrases) expect(Object.keys(PHRASES), `${name}: "${p}" is no phrase this test knows`).toContain(p);
      const said = new Set(phrases.flatMap((p) => PHRASES[p] ?? []));
      expect([...said].sort(), name).toEqual([...ROLE_ACTIONS[ROLE_OF[name!]!]].sort());
    }
  });

  it('knows every action of the role table (a new action needs a phrase here and a word in the README)', () => {
    const phrased = new Set(Object.values(PHRASES).flat());
    expect(ACTIONS.filter((a) => !phrased.has(a))).toEqual([]);
  });
});
