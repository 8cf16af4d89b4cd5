import type { Database, Statement } from 'better-sqlite3';
import type { AuditEntry } from '../api';

/** Appends to the audit log (who, when, what); the schema forbids changing or deleting entries. */
const inserts = new WeakMap<Database, Statement>();
const lastStamps = new WeakMap<Database, number>();

/**
 * Now, as an ISO time later than any this connection gave before: two actions within one
 * millisecond (a case moved on, then a verdict changed) keep their order in a history sorted by time.
 */
export function stamp(db: Database): string {
  const t = Math.max(Date.now(), (lastStamps.get(db) ?? 0) + 1);
  lastStamps.set(db, t);
  return new Date(t).toISOString();
}

/** `at` (ISO time, now by default): an entry written with the case events it caused carries their time. */
export function audit(db: Database, actor: string, action: string, target: string | null, detail?: unknown, at?: string): void {
  // One prepared statement per connection: a bulk verdict audits thousands of changes.
  let insert = inserts.get(db);
  if (!insert) inserts.set(db, (insert = db.prepare('INSERT INTO audit (at, actor, action, target, detail) VALUES (?, ?, ?, ?, ?)')));
  insert.run(at ?? stamp(db), actor, action, target, detail === undefined ? null : JSON.stringify(detail));
}

export function readAudit(db: Database, limit: number): AuditEntry[] {
  const rows = db.prepare('SELECT * FROM audit ORDER BY id DESC LIMIT ?').all(limit) as (Omit<AuditEntry, 'detail'> & {
    detail: string | null;
  })[];
  return rows.map((r) => ({ ...r, detail: r.detail === null ? null : (JSON.parse(r.detail) as unknown) }));
}
