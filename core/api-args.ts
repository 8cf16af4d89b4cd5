/**
 * The argument checks of every ProjectApi method a shell exposes to a page (HTTP in `voxwatch serve`, IPC in
 * Electron). Data from a page is untrusted: each argument is checked for its type and allowed values before the
 * project sees it, so a bad call is a clear user error rather than a stack trace deep in the store.
 */
import type { ProjectApi, ReportRequest } from './api';
import { CHANGE_TYPES } from './changes/types';
import { CASE_STATUSES, VERDICTS, ZONE_KINDS } from './review/types';

/** A caller's mistake in a remote call: shown to them as it is (HTTP 400). */
export class ApiArgumentError extends Error {
  override name = 'ApiArgumentError';
}

type Check = (value: unknown, where: string) => void;

const fail = (where: string, expected: string, value: unknown): never => {
  throw new ApiArgumentError(`${where}: expected ${expected}, got ${JSON.stringify(value) ?? typeof value}`);
};

const str: Check = (v, w) => void (typeof v === 'string' || fail(w, 'a string', v));
const bool: Check = (v, w) => void (typeof v === 'boolean' || fail(w, 'true or false', v));
const num: Check = (v, w) => void ((typeof v === 'number' && Number.isFinite(v)) || fail(w, 'a number', v));
const id: Check = (v, w) => void ((Number.isInteger(v) && (v as number) >= 0) || fail(w, 'an integer id', v));
const idOrLabel: Check = (v, w) => (typeof v === 'string' ? str(v, w) : id(v, w));
const oneOf =
  (allowed: readonly string[]): Check =>
  (v, w) =>
    void (allowed.includes(v as string) || fail(w, `one of ${allowed.join(', ')}`, v));
const nullable =
  (check: Check): Check =>
  (v, w) =>
    v === null ? undefined : check(v, w);
const arrayOf =
  (check: Check, maxLength = 100_000): Check =>
  (v, w) => {
    if (!Array.isArray(v) || v.length > maxLength) fail(w, `an array (at most ${maxLength} items)`, v);
    (v as unknown[]).forEach((item, i) => check(item, `${w}[${i}]`));
  };
/** A plain object with only the named (optional) fields. */
const shape =
  (fields: Record<string, Check>, required: string[] = []): Check =>
  (v, w) => {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) return fail(w, 'an object', v);
    for (const [key, value] of Object.entries(v)) {
      const check = fields[key];
      if (!check) throw new ApiArgumentError(`${w}: unknown field "${key}"`);
      if (value !== undefined) check(value, `${w}.${key}`);
    }
    for (const key of required) if ((v as Record<string, unknown>)[key] === undefined) fail(`${w}.${key}`, 'a value', undefined);
  };

/** A world box in the project CRS, min below max. */
const box: Check = (v, w) => {
  shape({ minX: num, minY: num, maxX: num, maxY: num }, ['minX', 'minY', 'maxX', 'maxY'])(v, w);
  const b = v as { minX: number; minY: number; maxX: number; maxY: number };
  if (!(b.maxX > b.minX && b.maxY > b.minY)) fail(w, 'a box with min below max', v);
};
const pixels =
  (max: number): Check =>
  (v, w) =>
    void ((Number.isInteger(v) && (v as number) >= 16 && (v as number) <= max) || fail(w, `an integer from 16 to ${max}`, v));

/** Report snapshots: change id → base64 image, a bounded number of bounded strings. */
const MAX_SNAPSHOTS = 2_000;
const MAX_SNAPSHOT_CHARS = 8 << 20;
const snapshots: Check = (v, w) => {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return fail(w, 'an object of change id → base64 image', v);
  const entries = Object.entries(v);
  if (entries.length > MAX_SNAPSHOTS) throw new ApiArgumentError(`${w}: at most ${MAX_SNAPSHOTS} snapshots`);
  for (const [id, image] of entries) {
    if (id.length > 64) throw new ApiArgumentError(`${w}: "${id.slice(0, 64)}…" is not a change id`);
    if (typeof image !== 'string' || image.length > MAX_SNAPSHOT_CHARS || !/^[A-Za-z0-9+/]*={0,2}$/.test(image))
      throw new ApiArgumentError(`${w}.${id}: expected a base64 PNG or JPEG of at most ${MAX_SNAPSHOT_CHARS >> 20} MB`);
  }
};

const EXPORT_FORMATS = ['gpkg', 'geojson', 'csv'] as const;
const SORTS = ['code', 'volume', '-volume', 'area', '-area', 'confidence', '-confidence', 'height', '-height', 'priority'] as const;

const changeQuery = shape({
  runId: id,
  types: arrayOf(oneOf(CHANGE_TYPES)),
  verdicts: arrayOf(oneOf(VERDICTS)),
  zone: str,
  subDistrict: str,
  minVolume: num,
  sort: oneOf(SORTS),
  limit: id,
  offset: id,
});
const detectOptions = shape({
  voxel: num,
  minArea: num,
  minVolume: num,
  minHeight: num,
  storeyHeight: num,
  minCoverage: num,
  align: bool,
  minUncertainArea: num,
  reproject: bool,
});

interface MethodSpec {
  /** Checks of the positional arguments; those after `required` are optional (absent or null). */
  args: Check[];
  /** How many leading arguments must be given. */
  required: number;
}

const spec = (required: number, ...args: Check[]): MethodSpec => ({ args, required });

/**
 * The methods a page may call, with their argument checks. `close` is left out on purpose: a page must not close
 * the project under the shell that opened it. `detect`'s progress hooks are not data and travel separately.
 */
export const REMOTE_METHODS = {
  info: spec(0),
  addEpoch: spec(
    1,
    shape({ label: str, files: arrayOf(str, 10_000), date: str, orthophoto: str, crs: num, reproject: bool }, ['label', 'files']),
  ),
  detect: spec(2, idOrLabel, idOrLabel, detectOptions),
  listChanges: spec(0, changeQuery),
  getChange: spec(1, id),
  getChangeView: spec(1, id),
  getChangeCrops: spec(1, id, shape({ pixels: pixels(1024) })),
  getOrthophotoImage: spec(1, id, shape({ box, pixels: pixels(4096) })),
  setVerdict: spec(2, arrayOf(id), oneOf(VERDICTS), shape({ note: str, actor: str, expected: oneOf(VERDICTS) })),
  setNote: spec(2, id, str, str),
  addAttachment: spec(2, id, str, str),
  listCases: spec(0, shape({ status: arrayOf(oneOf(CASE_STATUSES)) })),
  updateCase: spec(
    2,
    id,
    shape({ status: oneOf(CASE_STATUSES), dueDate: nullable(str), subDistrict: nullable(str), note: nullable(str) }),
    str,
  ),
  acceptProposal: spec(1, id, str),
  importZones: spec(2, str, shape({ kind: oneOf(ZONE_KINDS), category: str, nameField: str, layer: str, table: str }, ['kind']), str),
  listZones: spec(0),
  removeZoneLayer: spec(1, str, str),
  importLeads: spec(1, str, str),
  listLeads: spec(0),
  stats: spec(0, id),
  exportChanges: spec(2, oneOf(EXPORT_FORMATS), str, changeQuery),
  reportInput: spec(2, nullable(id), shape({ lang: oneOf(['zh-CN', 'en']), query: changeQuery, author: str }, ['lang'])),
  auditLog: spec(0, id),
  changeHistory: spec(1, id),
  uncertainAreas: spec(0, id),
  suppressedCandidates: spec(0, id),
} satisfies Partial<Record<keyof ProjectApi, MethodSpec>>;

export type RemoteMethod = keyof typeof REMOTE_METHODS;

/**
 * `exportReport` from a page: the run and what to put in the report, never where to write it. The shell chooses the
 * file (a temporary file streamed back over HTTP, a native save dialog in Electron), so a page cannot write anywhere.
 */
export const REPORT_REQUEST: MethodSpec = spec(
  2,
  nullable(id),
  shape({ lang: oneOf(['zh-CN', 'en']), query: changeQuery, author: str, snapshots }, ['lang']),
);

/** Checks a page's report request: `[runId | null, { lang, query?, author?, snapshots? }]`. */
export function checkReportRequest(args: unknown): [number | undefined, ReportRequest] {
  return checkSpec('exportReport', REPORT_REQUEST, args) as [number | undefined, ReportRequest];
}

export function isRemoteMethod(name: string): name is RemoteMethod {
  return Object.hasOwn(REMOTE_METHODS, name);
}

/**
 * Checks a remote call's arguments and returns them ready for the method: nulls of optional arguments (JSON has no
 * undefined) become undefined. Throws ApiArgumentError naming the first bad argument.
 */
export function checkArgs(method: RemoteMethod, args: unknown): unknown[] {
  return checkSpec(method, REMOTE_METHODS[method] as MethodSpec, args);
}

function checkSpec(method: string, { args: checks, required }: MethodSpec, args: unknown): unknown[] {
  if (!Array.isArray(args)) throw new ApiArgumentError(`${method}: the arguments must be a JSON array`);
  if (args.length > checks.length) throw new ApiArgumentError(`${method}: takes at most ${checks.length} argument(s), got ${args.length}`);
  return checks.map((check, i) => {
    const value: unknown = args[i];
    const where = `${method} argument ${i + 1}`;
    if (value === undefined || (value === null && i >= required)) {
      if (i < required) throw new ApiArgumentError(`${where}: missing`);
      return undefined;
    }
    check(value, where); // a null for a required argument passes only a nullable check
    return value ?? undefined;
  });
}
