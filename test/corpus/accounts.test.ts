import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseLast, parsePasswd, parseShadow } from '../../src/analyzers/accounts/parse-linux.js';
import { analyzeFiles } from '../../src/services/analysis-service.js';
import { SHARED } from '../helpers/shared.js';

// Real CentOS 7.7 outputs (jc's test fixtures): passwd, shadow, group, gshadow, last, last -wF, lastb, chage, who -a.
const DIR = path.join(SHARED, 'external', 'accounts', 'jc');
const read = (f: string) => readFileSync(path.join(DIR, f), 'utf8');

describe('accounts on the real CentOS samples', () => {
  it('parses every passwd and shadow line, and dates short `last` lines from "wtmp begins"', () => {
    const passwd = parsePasswd(read('centos-7.7__passwd.out'));
    expect(passwd.bad).toEqual([]);
    expect(passwd.entries).toHaveLength(21);
    expect(passwd.entries.filter((e) => e.uid < 1000 || /nologin/.test(e.shell)).map((e) => e.name)).not.toContain('joeuser');
    const shadow = parseShadow(read('centos-7.7__shadow.out'));
    expect(shadow.bad).toEqual([]);
    expect(shadow.entries.filter((e) => !/^[!*]/.test(e.hash)).map((e) => e.name)).toEqual(['root', 'joeuser']);
    const last = parseLast(read('centos-7.7__last.out'), '2026-11-30');
    expect(last.bad).toEqual([]);
    expect(last.since).toBe('2019-08-15');
    expect(last.records[0]).toEqual({ user: 'kbrazil', date: '2020-02-28', line: 1 }); // "Fri Feb 28 13:49", no year printed
    expect(last.records.at(-1)).toEqual({ user: 'root', date: '2019-08-15', line: 66 });
    const full = parseLast(read('centos-7.7__last-wF.out'), '2026-11-30');
    expect(full.bad).toEqual([]);
    expect(full.records[0]).toEqual({ user: 'kbrazil', date: '2021-01-05', line: 1 });
  });

  it('judges the host: root and joeuser (wheel) privileged, joeuser idle, system accounts left as such', async () => {
    const files = readdirSync(DIR).filter((f) => f.endsWith('.out'));
    const r = await analyzeFiles(
      'accounts',
      files.map((f) => path.join(DIR, f)),
      '2020-03-01',
      {},
      files,
    );
    expect(r.scope).toBe(21);
    expect(r.findings.filter((f) => f.failing).map((f) => [f.kind, f.line, f.rule])).toEqual([
      ['privileged_not_approved', 1, 'centos-7.7: root'],
      ['privileged_not_approved', 20, 'centos-7.7: joeuser'],
      ['idle_account', 20, 'centos-7.7: joeuser'],
    ]);
    expect(r.findings.filter((f) => f.kind === 'file_not_used').map((f) => f.file)).toEqual([
      'centos-7.7__gshadow.out',
      'centos-7.7__lastb.out',
      'centos-7.7__who-a.out',
      'centos-7.7__chage.out', // chage -l does not print whose account it is
    ]);
  });
});
