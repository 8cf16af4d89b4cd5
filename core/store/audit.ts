import type { Database } from 'better-sqlite3';
import type { AuditEntry } from '../api';

/** Appends to the audit log (who, when, what); the schema forbids changing or deleting entries. */
export function audit(db: Database, actor: string, action: string, target: string | null, detail?: unknown): void {
  db.prepare('INSERT INTO audit (at, actor, action, target, detail) VALUES (?, ?, ?, ?, ?)').run(
    new Date().toISOString(),
    actor,
    action,
    target,
    detail === undefined ? null : JSON.stringify(detail),
  );
}

export function readAudit(db: Database, limit: number): AuditEntry[] {
  const rows = db.prepare('SELECT * FROM audit ORDER BY id DESC LIMIT ?').all(limit) as (Omit<AuditEntry, 'detail'> & {
    detail: string | null;
  })[];
  return rows.map((r) => ({ ...r, detail: r.detail === null ? null : (JSON.parse(r.detail) as unknown) }));
}
