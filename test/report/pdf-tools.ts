/** Poppler's command-line tools (Debian poppler-utils), to read back the PDFs we write. */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export function pdfText(file: string): string {
  return execFileSync('pdftotext', ['-enc', 'UTF-8', file, '-'], { encoding: 'utf8', maxBuffer: 64 * 2 ** 20 });
}

export function pdfInfo(file: string): Record<string, string> {
  const out = execFileSync('pdfinfo', ['-enc', 'UTF-8', file], { encoding: 'utf8' });
  const info: Record<string, string> = {};
  for (const line of out.split('\n')) {
    const m = /^([^:]+):\s*(.*)$/.exec(line);
    if (m) info[m[1].trim()] = m[2].trim();
  }
  return info;
}

/** Fonts as pdffonts lists them: name, type, embedded, subset, has ToUnicode. */
export function pdfFonts(file: string): { name: string; embedded: boolean; subset: boolean; unicode: boolean }[] {
  const lines = execFileSync('pdffonts', [file], { encoding: 'utf8' }).split('\n').slice(2).filter(Boolean);
  return lines.map((l) => {
    const cols = l.trim().split(/\s+/);
    // name … emb sub uni objectId gen
    const [emb, sub, uni] = cols.slice(-5, -2);
    return { name: cols[0], embedded: emb === 'yes', subset: sub === 'yes', unicode: uni === 'yes' };
  });
}

/** Renders every page at low resolution; returns how many PNGs came out and what poppler complained about. */
export function renderPages(file: string): { pngs: number; stderr: string; status: number | null } {
  const dir = mkdtempSync(join(tmpdir(), 'voxwatch-pages-'));
  const r = spawnSync('pdftoppm', ['-r', '20', '-png', file, join(dir, 'page')], { encoding: 'utf8' });
  return { pngs: readdirSync(dir).filter((f) => f.endsWith('.png')).length, stderr: r.stderr, status: r.status };
}
