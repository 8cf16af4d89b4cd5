import { readFile } from 'node:fs/promises';
import { basename, dirname, extname, join } from 'node:path';
import proj4 from 'proj4';
import { crsFromWkt, describeCrs } from '../../geo/crs';
import { lookupEpsg } from '../../geo/epsg';
import { SourceError, type CrsInfo } from '../types';

/**
 * Where a model's coordinates are on Earth. Photogrammetry exports keep vertices small (Float32)
 * and say where they are beside them: ContextCapture and DJI Terra write a metadata.xml with the
 * SRS and an SRSOrigin, others a .prj; 3D Tiles are Earth-centred (ECEF) or carry their own frame.
 */
export interface Georef {
  /** The projected CRS the epoch is compared in. */
  crs: CrsInfo;
  /** Added to model coordinates that are in `crs` (metadata.xml's SRSOrigin). */
  origin: [number, number, number];
  /** Where the CRS came from, for messages. */
  from: string;
}

/** The generic read option a user's `--crs` fills: "EPSG:4547" (or a bare code). */
export function crsFromOption(text: string, file: string): CrsInfo {
  const m = /^\s*(?:epsg:)?(\d+)\s*$/i.exec(text);
  const entry = m ? lookupEpsg(Number(m[1])) : undefined;
  if (!m || !entry) throw new SourceError(file, `unknown CRS "${text}": give an EPSG code, e.g. --crs EPSG:4547`);
  return { epsg: entry.code, name: entry.name, source: 'user', unit: entry.unit };
}

/**
 * The model's CRS and origin from the user's option, else a sidecar: `<name>.prj`, or a
 * metadata.xml in the model's folder or the one above (ContextCapture puts it at the
 * production's root, the tiles in Data/). Undefined when nothing says.
 */
export async function findGeoref(file: string, option?: string): Promise<Georef | undefined> {
  const meta = await readMetadataXml(file);
  if (option) return { crs: crsFromOption(option, file), origin: meta?.origin ?? [0, 0, 0], from: '--crs' };
  const prj = join(dirname(file), `${basename(file, extname(file))}.prj`);
  const wkt = await readFile(prj, 'utf8').catch(() => undefined);
  if (wkt !== undefined) {
    const crs = crsFromWkt(wkt, []);
    if (!crs) throw new SourceError(prj, 'the .prj holds no CRS VoxWatch can read; replace it or pass --crs EPSG:xxxx');
    return { crs, origin: meta?.origin ?? [0, 0, 0], from: prj };
  }
  return meta;
}

/** ContextCapture's metadata.xml: `<SRS>EPSG:4547</SRS>` (or WKT) and `<SRSOrigin>x,y,z</SRSOrigin>`. */
async function readMetadataXml(file: string): Promise<Georef | undefined> {
  for (const dir of [dirname(file), dirname(dirname(file))]) {
    const path = join(dir, 'metadata.xml');
    const xml = await readFile(path, 'utf8').catch(() => undefined);
    if (xml === undefined) continue;
    const srs = /<SRS>([\s\S]*?)<\/SRS>/i.exec(xml)?.[1]?.trim();
    if (!srs) continue;
    const originText = /<SRSOrigin>([\s\S]*?)<\/SRSOrigin>/i.exec(xml)?.[1]?.trim();
    const origin = (originText ? originText.split(/[,\s]+/).map(Number) : [0, 0, 0]).concat([0, 0, 0]).slice(0, 3) as [
      number,
      number,
      number,
    ];
    if (origin.some((v) => !Number.isFinite(v))) throw new SourceError(path, `SRSOrigin "${originText}" is not three numbers`);
    if (/^ENU:/i.test(srs)) {
      throw new SourceError(
        path,
        `the model is in a local tangent plane (${srs}); re-export it in a projected CRS (e.g. EPSG:4547) or as Earth-centred 3D Tiles`,
      );
    }
    const crs = /^epsg:\d+$/i.test(srs) ? crsFromOption(srs, path) : crsFromWkt(srs, []);
    if (!crs) throw new SourceError(path, `cannot read the SRS "${srs.slice(0, 60)}"; pass --crs EPSG:xxxx`);
    return { crs: { ...crs, source: 'sidecar' }, origin, from: path };
  }
  return undefined;
}

/** The error for a model that does not say where it is. */
export function noCrsError(file: string, what = 'the model'): SourceError {
  return new SourceError(
    file,
    `${what} declares no coordinate system: pass --crs EPSG:xxxx (e.g. --crs EPSG:4547, the projected CRS of its coordinates), or put a .prj or ContextCapture metadata.xml beside it`,
  );
}

/** A projected, metric CRS is what detection measures in; geographic or ECEF ones are refused. */
export function checkProjected(g: Georef, file: string): void {
  const unit = (g.crs.unit ?? 'metre').toLowerCase();
  if (unit.startsWith('deg') || (g.crs.epsg !== undefined && lookupEpsg(g.crs.epsg)?.kind === 'CRS-GEOGCRS')) {
    throw new SourceError(
      file,
      `${describeCrs(g.crs)} (from ${g.from}) is geographic; VoxWatch needs a projected metric CRS, e.g. --crs EPSG:4547`,
    );
  }
}

/** Earth-centred (ECEF, WGS 84 / CGCS2000 axes) → the projected CRS, point by point, in place. */
export type EcefToProjected = (xyz: Float64Array) => void;

const GEOCENTRIC = '+proj=geocent +ellps=GRS80 +units=m +no_defs';

export function ecefToProjected(crs: CrsInfo, file: string): EcefToProjected {
  const entry = crs.epsg !== undefined ? lookupEpsg(crs.epsg) : undefined;
  const definition = entry?.proj4 || crs.wkt;
  if (!definition) throw new SourceError(file, `proj4 has no definition of ${describeCrs(crs)}; pass --crs EPSG:xxxx with a known code`);
  let forward: (p: number[]) => number[];
  try {
    const converter = proj4(GEOCENTRIC, definition);
    forward = (p) => converter.forward(p);
  } catch (e) {
    throw new SourceError(file, `cannot project to ${describeCrs(crs)}: ${(e as Error).message}`);
  }
  const exact = (xyz: Float64Array) => {
    const p = [0, 0, 0];
    for (let i = 0; i < xyz.length; i += 3) {
      p[0] = xyz[i];
      p[1] = xyz[i + 1];
      p[2] = xyz[i + 2];
      const q = forward(p);
      xyz[i] = q[0];
      xyz[i + 1] = q[1];
      xyz[i + 2] = q[2];
    }
  };
  return (xyz) => {
    if (xyz.length < 3 * 64 || !projectAffine(xyz, forward)) exact(xyz);
  };
}

/** Largest error the local linear projection may make anywhere in the points' box. */
const AFFINE_TOLERANCE = 0.0005;

/**
 * Projects a tile's worth of points with the projection's local linear map (its Jacobian at the
 * box's centre, by central differences) when that map is within half a millimetre of the exact
 * one at every corner of the box: over a tile of tens of metres it is (the error grows with the
 * square of the size, ~0.1 mm at 60 m), and it is a hundred times faster than proj4 point by point.
 * False (nothing changed) when the box is too large for it.
 */
function projectAffine(xyz: Float64Array, forward: (p: number[]) => number[]): boolean {
  const lo = [Infinity, Infinity, Infinity];
  const hi = [-Infinity, -Infinity, -Infinity];
  for (let i = 0; i < xyz.length; i += 3) {
    for (let a = 0; a < 3; a++) {
      const v = xyz[i + a];
      if (v < lo[a]) lo[a] = v;
      if (v > hi[a]) hi[a] = v;
    }
  }
  const c = [0, 1, 2].map((a) => (lo[a] + hi[a]) / 2);
  const pc = forward([...c]);
  const h = 1;
  // J[r][a]: d projected_r / d ecef_a.
  const J = [0, 1, 2].map(() => [0, 0, 0]);
  for (let a = 0; a < 3; a++) {
    const plus = [...c];
    const minus = [...c];
    plus[a] += h;
    minus[a] -= h;
    const qp = forward(plus);
    const qm = forward(minus);
    for (let r = 0; r < 3; r++) J[r][a] = (qp[r] - qm[r]) / (2 * h);
  }
  for (let s = 0; s < 8; s++) {
    const p = [s & 1 ? hi[0] : lo[0], s & 2 ? hi[1] : lo[1], s & 4 ? hi[2] : lo[2]];
    const q = forward([...p]);
    for (let r = 0; r < 3; r++) {
      const approx = pc[r] + J[r][0] * (p[0] - c[0]) + J[r][1] * (p[1] - c[1]) + J[r][2] * (p[2] - c[2]);
      if (!(Math.abs(approx - q[r]) <= AFFINE_TOLERANCE)) return false;
    }
  }
  for (let i = 0; i < xyz.length; i += 3) {
    const dx = xyz[i] - c[0];
    const dy = xyz[i + 1] - c[1];
    const dz = xyz[i + 2] - c[2];
    xyz[i] = pc[0] + J[0][0] * dx + J[0][1] * dy + J[0][2] * dz;
    xyz[i + 1] = pc[1] + J[1][0] * dx + J[1][1] * dy + J[1][2] * dz;
    xyz[i + 2] = pc[2] + J[2][0] * dx + J[2][1] * dy + J[2][2] * dz;
  }
  return true;
}
