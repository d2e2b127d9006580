import type { IsoDate } from '../../core/dates.js';

const TAIPEI_MS = 8 * 3_600_000;
/** 100-ns ticks between 1601-01-01 (FILETIME's epoch) and 1970-01-01. */
const EPOCH_DIFF_TICKS = 116_444_736_000_000_000n;
const NEVER = 0x7fff_ffff_ffff_ffffn;

/**
 * AD's lastLogonTimestamp / accountExpires: FILETIME, 100-ns ticks since 1601-01-01 UTC, as the
 * firm's calendar day (Taipei). 0 and 2^63-1 mean "never"; a value that is not such a number is
 * `undefined` (a bad cell).
 * @example filetimeToDate('133484832000000000') // '2024-01-01'
 */
export function filetimeToDate(ticks: string): IsoDate | null | undefined {
  const t = ticks.trim();
  if (t === '') return null;
  if (!/^\d{1,19}$/.test(t)) return undefined;
  const n = BigInt(t);
  if (n === 0n || n >= NEVER) return null;
  const ms = Number((n - EPOCH_DIFF_TICKS) / 10_000n);
  return new Date(ms + TAIPEI_MS).toISOString().slice(0, 10);
}

/**
 * AD's whenCreated: generalized time `20230101120000.0Z` (csvde, ldifde) or what PowerShell's
 * Export-Csv writes for a DateTime (`1/1/2023 12:00:00 PM`, or ISO); undefined when neither.
 */
export function adTimeToDate(text: string): IsoDate | null | undefined {
  const t = text.trim();
  if (t === '') return null;
  const g = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(?:\.\d+)?Z$/.exec(t);
  if (g) return new Date(Date.UTC(+g[1]!, +g[2]! - 1, +g[3]!, +g[4]!, +g[5]!, +g[6]!) + TAIPEI_MS).toISOString().slice(0, 10);
  const us = /^(\d{1,2})\/(\d{1,2})\/(\d{4})(?: |$)/.exec(t);
  if (us) return `${us[3]}-${us[1]!.padStart(2, '0')}-${us[2]!.padStart(2, '0')}`;
  const isoDate = /^(\d{4})[-/](\d{2})[-/](\d{2})/.exec(t);
  if (isoDate) return `${isoDate[1]}-${isoDate[2]}-${isoDate[3]}`;
  return undefined;
}

/** userAccountControl bit 0x2 (ACCOUNTDISABLE), as csvde exports it instead of Enabled. */
export function uacEnabled(uac: string): boolean | undefined {
  return /^\d+$/.test(uac.trim()) ? (Number(uac) & 2) === 0 : undefined;
}

/**
 * memberOf: csvde joins the DNs with `;`; a PowerShell export joined with `-join ';'` does the
 * same. Unjoined, Export-Csv writes the collection's type name: the groups are then unknown.
 */
export function memberOfGroups(text: string): string[] | undefined {
  const t = text.trim();
  if (/^Microsoft\.ActiveDirectory\.Management\.|^System\.(Object\[\]|Collections)/.test(t)) return undefined;
  return t
    .split(/;(?=\s*CN=)/i)
    .map((dn) => /^\s*CN=((?:\\,|[^,])+)/i.exec(dn)?.[1]?.replace(/\\,/g, ',') ?? dn.trim())
    .filter(Boolean);
}

/** The OUs of a distinguished name, innermost first: CN=x,OU=Customers,OU=TW,DC=… → [Customers, TW]. */
export function organisationalUnits(dn: string): string[] {
  return [...dn.matchAll(/(?:^|,)\s*OU=((?:\\,|[^,])+)/gi)].map((m) => m[1]!.replace(/\\,/g, ','));
}
