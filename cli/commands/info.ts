import { describeCrs } from '../../core/geo/crs';
import { inspectGeoTiff, type GeoTiffInfo } from '../../core/io/dsm/inspect';
import { isTiff } from '../../core/io/dsm/format';
import { detectPointFormat, type EpochSourceInfo } from '../../core/io/formats';
import { inspectPointFile, type PointFileFacts } from '../../core/io/inspect';
import { openFileSource } from '../../core/io/source';
import { SourceError } from '../../core/io/types';
import { isFolder, sourcesInFolder } from '../epoch-args';
import { reportError } from '../errors';
import { progressBar } from '../progress';

const CLASS_NAMES: Record<number, string> = {
  0: 'created, never classified',
  1: 'unclassified',
  2: 'ground',
  3: 'low vegetation',
  4: 'medium vegetation',
  5: 'high vegetation',
  6: 'building',
  7: 'low point (noise)',
  9: 'water',
  10: 'rail',
  11: 'road surface',
  12: 'overlap',
  17: 'bridge deck',
  18: 'high noise',
};

const n = (v: number) => v.toLocaleString('en-US');
const fix = (v: number, d = 3) => v.toFixed(d);

function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = bytes;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${u === 0 ? v : v.toFixed(1)} ${units[u]}`;
}

export function formatFacts(f: PointFileFacts): string {
  const lines: string[] = [];
  const row = (k: string, v: string) => lines.push(`  ${k.padEnd(16)}${v}`);
  lines.push(f.file);
  row('format', `${f.format} ${f.version}, point format ${f.pointFormat} (${f.recordLength} bytes/point), ${formatBytes(f.fileSize)}`);
  row('points', n(f.pointCount));
  const b = f.bounds;
  const digits = Math.max(0, Math.min(7, Math.round(-Math.log10(Math.min(...f.scale.map(Math.abs))))));
  if (b) {
    row('bounds x', `${fix(b.minX, digits)} … ${fix(b.maxX, digits)}  (${fix(b.maxX - b.minX, 2)})`);
    row('bounds y', `${fix(b.minY, digits)} … ${fix(b.maxY, digits)}  (${fix(b.maxY - b.minY, 2)})`);
    row('bounds z', `${fix(b.minZ, digits)} … ${fix(b.maxZ, digits)}  (${fix(b.maxZ - b.minZ, 2)})`);
  } else {
    row('bounds', 'none (no points)');
  }
  row('scale / offset', `${f.scale.join(', ')} / ${f.offset.join(', ')}`);
  // The heights' unit too when it is not the grid's: Autzen's NAVD88 heights are in US survey feet on a metre grid.
  const heights = f.crs?.verticalUnit && f.crs.verticalUnit !== f.crs.unit ? `, heights in ${f.crs.verticalUnit}` : '';
  row('CRS', describeCrs(f.crs ?? undefined) + (f.crs?.unit ? ` [${f.crs.unit}${heights}]` : ''));
  row(
    'density',
    f.densityPerM2 === null
      ? 'n/a (coordinates not in a known linear unit)'
      : `${f.densityPerM2.toFixed(1)} points/m² (over occupied 1 m cells)`,
  );
  const classes = Object.entries(f.classes)
    .map(([c, count]) => `${c} ${CLASS_NAMES[Number(c)] ?? 'class ' + c}: ${n(count)}`)
    .join('; ');
  row('classes', classes || 'none');
  row('RGB', f.hasRgb ? 'yes' : 'no');
  const t = f.gpsTime;
  const gpsKind = t?.standard ? `adjusted standard GPS time, ${t.minDate} … ${t.maxDate}` : 'GPS week seconds';
  row('GPS time', t ? `${t.min.toFixed(3)} … ${t.max.toFixed(3)} (${gpsKind})` : 'none recorded');
  row('software', [f.software, f.created].filter(Boolean).join(', ') || 'not stated');
  for (const w of f.warnings) row('warning', w);
  return lines.join('\n');
}

/** A GeoTIFF (DSM, orthophoto or other image) in the same layout. */
export function formatGeoTiff(f: GeoTiffInfo): string {
  const lines: string[] = [f.file];
  const row = (k: string, v: string) => lines.push(`  ${k.padEnd(16)}${v}`);
  const type = f.sampleFormat === 'float' ? `Float${f.bitsPerSample}` : `${f.sampleFormat === 'signed' ? 'Int' : 'UInt'}${f.bitsPerSample}`;
  row(
    'format',
    `GeoTIFF, ${f.kind === 'heights' ? 'DSM (heights)' : f.kind === 'orthophoto' ? 'orthophoto' : 'image'}: ${f.kindReason}, ${formatBytes(f.fileSize)}`,
  );
  row('size', `${n(f.width)} × ${n(f.height)} px, ${f.bands} band${f.bands > 1 ? 's' : ''} of ${type} (${f.photometric})`);
  row(
    'layout',
    `${f.tiled ? 'tiles' : 'strips'} of ${f.blockWidth} × ${f.blockHeight}, ${f.compression === 'none' ? 'uncompressed' : `${f.compression} compression`}`,
  );
  row('overviews', f.overviews.length ? f.overviews.map((o) => `${o.width} × ${o.height}`).join(', ') : 'none');
  row('nodata', f.nodata === null ? 'none declared' : String(f.nodata));
  if (f.georeferenced) {
    row('CRS', describeCrs(f.crs) + (f.crs?.unit ? ` [${f.crs.unit}]` : ''));
    row('resolution', `${+f.pixelWidth.toPrecision(6)} × ${+f.pixelHeight.toPrecision(6)} per pixel`);
    const e = f.extent;
    const d = f.crs?.unit?.toLowerCase().startsWith('degree') ? 7 : 3;
    row('bounds x', `${fix(e.minX, d)} … ${fix(e.maxX, d)}  (${fix(e.maxX - e.minX, d)})`);
    row('bounds y', `${fix(e.minY, d)} … ${fix(e.maxY, d)}  (${fix(e.maxY - e.minY, d)})`);
  } else {
    row('CRS', 'no georeferencing');
  }
  if (f.heights) {
    const h = f.heights;
    row('heights', h.valid ? `${fix(h.minZ)} … ${fix(h.maxZ)}` : 'none (every pixel is nodata)');
    row('valid pixels', `${n(h.valid)} of ${n(f.width * f.height)} (${((100 * h.valid) / (f.width * f.height)).toFixed(1)} %)`);
  }
  if (f.created) row('created', f.created);
  row('use', f.use);
  for (const w of f.warnings) row('warning', w);
  return lines.join('\n');
}

/** Any other source kind a reader declares (e.g. meshes): its format-neutral facts. */
export function formatSourceInfo(f: EpochSourceInfo): string {
  const lines: string[] = [f.file];
  const row = (k: string, v: string) => lines.push(`  ${k.padEnd(16)}${v}`);
  const b = f.bounds;
  row('format', f.kind);
  row('points', n(f.pointCount));
  row('bounds x', `${fix(b.minX)} … ${fix(b.maxX)}`);
  row('bounds y', `${fix(b.minY)} … ${fix(b.maxY)}`);
  row('bounds z', `${fix(b.minZ)} … ${fix(b.maxZ)}`);
  row('CRS', describeCrs(f.crs));
  if (f.created) row('created', f.created);
  for (const w of f.warnings) row('warning', w);
  return lines.join('\n');
}

type Facts = PointFileFacts | GeoTiffInfo | EpochSourceInfo;

/** Dispatches on the reader that recognises the file; a TIFF any reader refuses is still described. */
async function inspect(file: string, onProgress: (done: number, total: number) => void): Promise<{ facts: Facts; text: string }> {
  const source = await openFileSource(file);
  let head: Uint8Array;
  try {
    head = await source.read(0, 16);
  } finally {
    await source.close();
  }
  if (isTiff(head)) {
    const facts = await inspectGeoTiff(file);
    return { facts, text: formatGeoTiff(facts) };
  }
  const format = await detectPointFormat(file);
  if (format.id === 'las') {
    const facts = await inspectPointFile(file, { onProgress });
    return { facts, text: formatFacts(facts) };
  }
  const facts = await format.sourceInfo(file);
  return { facts, text: formatSourceInfo(facts) };
}

export async function infoCommand(paths: string[], opts: { json?: boolean }): Promise<number> {
  // A folder is described file by file, as detect reads it as an epoch.
  const files = paths.flatMap((p) => (isFolder(p) ? sourcesInFolder(p) : [p]));
  const results: (Facts | { file: string; error: string })[] = [];
  let failed = 0;
  for (const file of files) {
    const bar = progressBar(file.length > 30 ? '…' + file.slice(-29) : file);
    try {
      const { facts, text } = await inspect(file, (d, t) => bar.update(d, t));
      bar.stop();
      results.push(facts);
      if (!opts.json) process.stdout.write(text + '\n\n');
    } catch (e) {
      bar.stop();
      failed++;
      if (!(e instanceof SourceError)) return reportError(e);
      results.push({ file, error: e.problem });
      if (!opts.json) reportError(e);
    }
  }
  if (opts.json) process.stdout.write(JSON.stringify(files.length === 1 ? results[0] : results, null, 2) + '\n');
  return failed > 0 ? 1 : 0;
}
