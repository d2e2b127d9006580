import type { AuthEvent, Outcome } from './read-events.js';

export interface TrackOptions {
  readonly windowMs: number;
  /** Attempts from one account or one source within the window that make a burst. */
  readonly maxAttempts: number;
  /** Distinct accounts from one source within the window that make credential stuffing. */
  readonly stuffingAccounts: number;
  /** Which outcomes count as the defence having engaged. */
  readonly defences: readonly Outcome[];
  /** Keys tracked at once; beyond it new keys are counted as overflow, never silently dropped. */
  readonly maxKeys: number;
}

/** A run of attempts on one key (account or source) whose gaps stay within the window, that became a burst. */
export interface Episode {
  readonly dimension: 'account' | 'source';
  readonly key: string;
  readonly action: AuthEvent['action'];
  readonly system: string | null;
  readonly firstLine: number;
  readonly firstTime: number;
  readonly lastTime: number;
  readonly attempts: number;
  /** The most attempts inside one window. */
  readonly peak: number;
  /** Whether the run reached a burst (or credential stuffing); a run may be kept only for a success after a lock. */
  readonly burst: boolean;
  /** The line where the burst threshold was reached. */
  readonly burstLine: number | null;
  /** The attempt (1-based, in this run) at which a defence first answered, and which. */
  readonly defenceAt: number | null;
  readonly defenceKind: Outcome | null;
  readonly defenceLine: number | null;
  /** Distinct accounts tried from this source (capped at STUFFING_CAP), null for account keys. */
  readonly accounts: number | null;
  readonly stuffing: boolean;
  /** A success for this account after it was locked within the run (7/(1)/e/(c)). */
  readonly successAfterLockLine: number | null;
}

const STUFFING_CAP = 10_000;
/** Episodes kept to report one by one; a flood beyond it is summed up. */
export const EPISODE_CAP = 1_000;

interface Run {
  firstLine: number;
  firstTime: number;
  lastTime: number;
  attempts: number;
  /** Times of the latest `maxAttempts` attempts (from the second attempt on: most keys are seen once). */
  ring: number[] | null;
  peak: number;
  burstLine: number | null;
  defenceAt: number | null;
  defenceKind: Outcome | null;
  defenceLine: number | null;
  lockedAt: number | null;
  successAfterLockLine: number | null;
  system: string | null;
  /** Source keys: the first account, then account → last seen within the window (until stuffing is found). */
  firstAccount: string | null;
  firstAccountAt: number;
  recent: Map<string, number> | null;
  all: Set<string> | null;
  stuffing: boolean;
}

/**
 * Sliding windows per account and per source address, in bounded memory: each key keeps only
 * its last `maxAttempts` times (and, for a source, the accounts seen in the window), runs that
 * end are settled and forgotten, and the number of keys is capped with the overflow counted.
 */
export class AttemptTracker {
  /** One table per dimension and action (no key strings built per line), and their total size. */
  private readonly tables = new Map<string, { dimension: 'account' | 'source'; action: AuthEvent['action']; runs: Map<string, Run> }>();
  private size = 0;
  readonly episodes: Episode[] = [];
  /** Episodes beyond EPISODE_CAP: counted (and how many had no defence), not kept. */
  more = { episodes: 0, undefended: 0 };
  overflow = 0;
  overflowFirstLine: number | null = null;
  private seen = 0;

  constructor(private readonly o: TrackOptions) {}

  add(e: AuthEvent, line: number): void {
    if (e.account !== null) this.step('account', e.account, e, line);
    if (e.source !== null) this.step('source', e.source, e, line);
    // Now and then, settle the runs the window has left behind, so memory follows the live keys only.
    if (++this.seen % 4_096 === 0) this.sweep(e.time);
  }

  finish(): void {
    for (const t of this.tables.values()) for (const [k, r] of t.runs) this.settle(t.dimension, t.action, k, r);
    this.tables.clear();
    this.size = 0;
  }

  private sweep(now: number): void {
    for (const t of this.tables.values())
      for (const [k, r] of t.runs)
        if (now - r.lastTime > this.o.windowMs) {
          this.settle(t.dimension, t.action, k, r);
          t.runs.delete(k);
          this.size--;
        }
  }

  private step(dimension: 'account' | 'source', value: string, e: AuthEvent, line: number): void {
    const name = dimension === 'account' ? (e.action === 'login' ? 'a/l' : 'a/p') : e.action === 'login' ? 's/l' : 's/p';
    let table = this.tables.get(name);
    if (!table) this.tables.set(name, (table = { dimension, action: e.action, runs: new Map() }));
    const runs = table.runs;
    let r = runs.get(value);
    if (r && e.time - r.lastTime > this.o.windowMs) {
      this.settle(dimension, e.action, value, r);
      runs.delete(value);
      this.size--;
      r = undefined;
    }
    if (!r) {
      if (this.size >= this.o.maxKeys) this.sweep(e.time);
      if (this.size >= this.o.maxKeys) {
        this.overflow++;
        this.overflowFirstLine ??= line;
        return;
      }
      r = {
        firstLine: line,
        firstTime: e.time,
        lastTime: e.time,
        attempts: 0,
        ring: null,
        peak: 0,
        burstLine: null,
        defenceAt: null,
        defenceKind: null,
        defenceLine: null,
        lockedAt: null,
        successAfterLockLine: null,
        system: e.system,
        firstAccount: null,
        firstAccountAt: 0,
        recent: null,
        all: null,
        stuffing: false,
      };
      runs.set(value, r);
      this.size++;
    }
    // Logs merged from several servers are not quite in order: time never runs backwards in a run.
    const t = Math.max(e.time, r.lastTime);
    r.lastTime = t;
    r.attempts++;
    let inWindow = 1;
    if (r.attempts === 1) r.ring = null;
    else {
      r.ring ??= [r.firstTime];
      r.ring.push(t);
      if (r.ring.length > this.o.maxAttempts) r.ring.shift();
      inWindow = r.ring.filter((x) => t - x <= this.o.windowMs).length;
    }
    r.peak = Math.max(r.peak, inWindow);
    if (r.burstLine === null && inWindow >= this.o.maxAttempts) r.burstLine = line;
    if (r.defenceAt === null && this.o.defences.includes(e.outcome)) {
      r.defenceAt = r.attempts;
      r.defenceKind = e.outcome;
      r.defenceLine = line;
    }
    if (e.outcome === 'lockout') r.lockedAt ??= r.attempts;
    else if (e.outcome === 'success' && r.lockedAt !== null && dimension === 'account') r.successAfterLockLine ??= line;
    if (dimension === 'source' && e.account !== null) this.countAccount(r, e.account, t, line);
  }

  /** Credential stuffing: distinct accounts from one source inside the window; one account alone allocates nothing. */
  private countAccount(r: Run, account: string, t: number, line: number): void {
    if (r.stuffing) {
      if (r.all!.size < STUFFING_CAP) r.all!.add(account);
      return;
    }
    if (r.recent === null && (r.firstAccount === null || r.firstAccount === account)) {
      r.firstAccount = account;
      r.firstAccountAt = t;
      return;
    }
    r.recent ??= new Map([[r.firstAccount!, r.firstAccountAt]]);
    r.recent.set(account, t);
    if (r.recent.size < this.o.stuffingAccounts) return;
    for (const [a, at] of r.recent) if (t - at > this.o.windowMs) r.recent.delete(a);
    if (r.recent.size >= this.o.stuffingAccounts) {
      r.stuffing = true;
      r.all = new Set(r.recent.keys());
      r.recent = null;
      r.burstLine ??= line;
    }
  }

  private settle(dimension: 'account' | 'source', action: AuthEvent['action'], value: string, r: Run): void {
    if (r.burstLine === null && r.successAfterLockLine === null) return;
    if (this.episodes.length >= EPISODE_CAP) {
      this.more.episodes++;
      if (r.defenceAt === null) this.more.undefended++;
      return;
    }
    this.episodes.push({
      dimension,
      key: value,
      action,
      system: r.system,
      firstLine: r.firstLine,
      firstTime: r.firstTime,
      lastTime: r.lastTime,
      attempts: r.attempts,
      peak: r.peak,
      burst: r.burstLine !== null,
      burstLine: r.burstLine,
      defenceAt: r.defenceAt,
      defenceKind: r.defenceKind,
      defenceLine: r.defenceLine,
      accounts: r.all?.size ?? null,
      stuffing: r.stuffing,
      successAfterLockLine: r.successAfterLockLine,
    });
  }
}
