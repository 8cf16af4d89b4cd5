import type { Database } from 'better-sqlite3';

/**
 * The project schema as a list of forward migrations: migration k takes `user_version` k−1 to k.
 * Never edit a released migration: add a new one. Each runs in one transaction with its version
 * bump, so a project is always at exactly one version.
 */
export const MIGRATIONS: readonly string[] = [
  // 1: epochs, detection runs, change objects, reviews, the append-only audit log.
  `
  CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
  CREATE TABLE epochs (
    id INTEGER PRIMARY KEY,
    label TEXT NOT NULL UNIQUE,
    survey_date TEXT,
    sources TEXT NOT NULL,          -- JSON array of file paths
    orthophoto TEXT,
    crs TEXT,                       -- JSON CrsInfo
    stats TEXT NOT NULL,            -- JSON: points, bounds, formats
    added_at TEXT NOT NULL
  );
  CREATE TABLE runs (
    id INTEGER PRIMARY KEY,
    before_epoch INTEGER NOT NULL REFERENCES epochs(id),
    after_epoch INTEGER NOT NULL REFERENCES epochs(id),
    parameters TEXT NOT NULL,
    software TEXT NOT NULL,
    started_at TEXT NOT NULL,
    finished_at TEXT NOT NULL,
    timings TEXT NOT NULL,
    summary TEXT NOT NULL,          -- JSON summary.json of the run
    suppressed TEXT NOT NULL,       -- JSON: candidates judged not to be building changes
    uncertain TEXT NOT NULL,        -- JSON: patches one epoch did not see
    overview BLOB                   -- packed HeightPatch of the whole area
  );
  CREATE TABLE changes (
    id INTEGER PRIMARY KEY,
    run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    code TEXT NOT NULL,             -- the run's id for it, C001…
    type TEXT NOT NULL,
    volume_m3 REAL NOT NULL,
    area_m2 REAL NOT NULL,
    height_change_max_m REAL NOT NULL,
    height_change_mean_m REAL NOT NULL,
    storeys INTEGER NOT NULL,
    confidence REAL NOT NULL,
    cx REAL NOT NULL, cy REAL NOT NULL,
    min_x REAL NOT NULL, min_y REAL NOT NULL, max_x REAL NOT NULL, max_y REAL NOT NULL,
    object TEXT NOT NULL,           -- JSON ChangeObject as detected (footprint, heights, evidence)
    UNIQUE (run_id, code)
  );
  -- Height windows live apart: kept in the changes rows they would overflow every page that
  -- listing, filtering and sorting read.
  CREATE TABLE change_views (
    change_id INTEGER PRIMARY KEY REFERENCES changes(id) ON DELETE CASCADE,
    view BLOB NOT NULL              -- packed HeightPatch around the change
  );
  CREATE INDEX changes_run_type ON changes(run_id, type, area_m2, volume_m3);
  -- Listing sorts one run by these: covering indexes keep a 20 000-change run's page fast.
  CREATE INDEX changes_run_volume ON changes(run_id, volume_m3);
  CREATE INDEX changes_run_area ON changes(run_id, area_m2);
  CREATE INDEX changes_run_confidence ON changes(run_id, confidence);
  CREATE INDEX changes_bbox ON changes(min_x, max_x);
  CREATE TABLE reviews (
    change_id INTEGER PRIMARY KEY REFERENCES changes(id) ON DELETE CASCADE,
    verdict TEXT NOT NULL,
    note TEXT,
    carried_from INTEGER REFERENCES changes(id),
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL
  );
  CREATE INDEX reviews_verdict ON reviews(verdict);
  CREATE TABLE attachments (
    id INTEGER PRIMARY KEY,
    change_id INTEGER NOT NULL REFERENCES changes(id) ON DELETE CASCADE,
    path TEXT NOT NULL,
    added_at TEXT NOT NULL
  );
  CREATE TABLE audit (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    target TEXT,
    detail TEXT
  );
  CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
  CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
  `,
  // 2: the case ledger, zone layers and complaint leads; each change gets its zone tags.
  `
  ALTER TABLE changes ADD COLUMN zones TEXT NOT NULL DEFAULT '[]';   -- JSON ZoneTag[]
  ALTER TABLE changes ADD COLUMN sub_district TEXT;
  ALTER TABLE changes ADD COLUMN community TEXT;
  ALTER TABLE changes ADD COLUMN permit_status TEXT NOT NULL DEFAULT 'none';
  ALTER TABLE changes ADD COLUMN priority TEXT NOT NULL DEFAULT 'normal';
  CREATE INDEX changes_sub_district ON changes(sub_district);
  CREATE INDEX changes_run_priority ON changes(run_id, priority, volume_m3);
  CREATE TABLE cases (
    id INTEGER PRIMARY KEY,
    change_id INTEGER NOT NULL UNIQUE REFERENCES changes(id),
    status TEXT NOT NULL,
    due_date TEXT,
    sub_district TEXT,
    opened_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    proposal TEXT,                  -- JSON: what a later epoch suggests (rectified / still standing / grew)
    note TEXT
  );
  CREATE INDEX cases_status ON cases(status);
  CREATE TABLE case_events (
    id INTEGER PRIMARY KEY,
    case_id INTEGER NOT NULL REFERENCES cases(id),
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    from_status TEXT,
    to_status TEXT NOT NULL,
    run_id INTEGER REFERENCES runs(id),
    detail TEXT
  );
  CREATE TABLE zones (
    id INTEGER PRIMARY KEY,
    layer TEXT NOT NULL,
    kind TEXT NOT NULL,             -- protected | permit | admin
    category TEXT NOT NULL,
    name TEXT NOT NULL,
    geometry TEXT NOT NULL,         -- JSON MultiPolygon coordinates
    min_x REAL NOT NULL, min_y REAL NOT NULL, max_x REAL NOT NULL, max_y REAL NOT NULL,
    properties TEXT NOT NULL,
    imported_at TEXT NOT NULL
  );
  CREATE INDEX zones_kind ON zones(kind);
  CREATE TABLE leads (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL,
    x REAL NOT NULL, y REAL NOT NULL,
    reported_on TEXT,
    text TEXT NOT NULL,
    source TEXT NOT NULL,
    imported_at TEXT NOT NULL,
    answer TEXT                     -- JSON: linked changes or "nothing found" with evidence, per run
  );
  `,
  // 3: which changes of a later run a case check rested on: a removal that rectified the case, an
  // addition it grew by. The proposal goes once accepted; the report of that run still names the case.
  // And the case of a structure whose confirmation was carried to a later run's change (its own
  // case stays on the change it was opened on).
  `
  ALTER TABLE reviews ADD COLUMN case_id INTEGER REFERENCES cases(id);
  CREATE TABLE case_links (
    case_id INTEGER NOT NULL REFERENCES cases(id),
    run_id INTEGER NOT NULL REFERENCES runs(id),
    change_code TEXT NOT NULL,
    outcome TEXT NOT NULL,
    PRIMARY KEY (run_id, change_code, case_id)
  );
  `,
  // 4: a change's history reads the audit entries of that change: without an index every panel
  // redraw scanned the whole log, which grows with every verdict of every run.
  `
  CREATE INDEX audit_target ON audit (target, id);
  `,
  // 5: a review keeps the change its structure was carried from (structure_from) after the analyst judges it, where
  // carried_from is cleared: a revision of an older run then knows a later run judged the structure itself. Where an
  // epoch's date came from (given, the points' GPS time, a file's creation day). And a case closed because its
  // change went to "needs a site visit" (as the store did until then) opens again where it was: a pending visit
  // keeps a case open.
  `
  ALTER TABLE reviews ADD COLUMN structure_from INTEGER REFERENCES changes(id);
  UPDATE reviews SET carried_from = NULL WHERE carried_from NOT IN (SELECT id FROM changes);
  UPDATE reviews SET structure_from = carried_from WHERE carried_from IS NOT NULL;
  CREATE INDEX reviews_structure_from ON reviews (structure_from);
  ALTER TABLE epochs ADD COLUMN date_source TEXT;
  CREATE TEMP TABLE reopened AS
    SELECT cs.id AS case_id, ev.from_status AS status FROM cases cs
    JOIN case_events ev ON ev.id = (SELECT MAX(id) FROM case_events WHERE case_id = cs.id)
    JOIN reviews rv ON rv.change_id = cs.change_id
    WHERE cs.status = 'closed' AND ev.to_status = 'closed' AND ev.detail = 'verdict changed to needs_site_visit'
      AND rv.verdict = 'needs_site_visit' AND ev.from_status IS NOT NULL;
  UPDATE cases SET status = (SELECT status FROM reopened WHERE reopened.case_id = cases.id),
    updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
    WHERE id IN (SELECT case_id FROM reopened);
  INSERT INTO case_events (case_id, at, actor, from_status, to_status, run_id, detail)
    SELECT case_id, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), 'VoxWatch', 'closed', status, NULL,
      'reopened: a site visit pending keeps a case open'
    FROM reopened;
  DROP TABLE reopened;
  `,
];

export const SCHEMA_VERSION = MIGRATIONS.length;

/**
 * Brings a project up to `target` (the newest by default), one transaction per step. Each step holds the write lock
 * and reads the version under it: another process opening the same project at the same time may have taken it a
 * step further meanwhile (its step is not run twice).
 */
export function migrate(db: Database, target = SCHEMA_VERSION): void {
  const step = db.transaction(() => {
    const v = db.pragma('user_version', { simple: true }) as number;
    if (v >= target) return false;
    db.exec(MIGRATIONS[v]);
    db.pragma(`user_version = ${v + 1}`);
    return true;
  });
  while (step.immediate());
}
