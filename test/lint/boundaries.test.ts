/**
 * The import boundaries between the layers (README, "Layers") are lint rules; this checks the
 * rules themselves bite, so a config change cannot silently switch them off.
 */
import { ESLint } from 'eslint';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');
const eslint = new ESLint({ cwd: ROOT });

async function restricted(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: resolve(ROOT, file) });
  return result.messages.filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

describe('import boundaries', () => {
  it('core may not import electron, the shells or the renderer', async () => {
    expect(await restricted('core/x.ts', "import { app } from 'electron';\nexport const a = app;\n")).toHaveLength(1);
    expect(await restricted('core/x.ts', "import { x } from '../cli/voxwatch';\nexport const a = x;\n")).toHaveLength(1);
    expect(await restricted('core/x.ts', "import { x } from '../renderer/main';\nexport const a = x;\n")).toHaveLength(1);
    expect(await restricted('core/x.ts', "import { readFile } from 'node:fs/promises';\nexport const a = readFile;\n")).toHaveLength(0);
  });

  it('the renderer may not import Node modules or the store', async () => {
    expect(await restricted('renderer/x.ts', "import { readFile } from 'node:fs';\nexport const a = readFile;\n")).toHaveLength(1);
    expect(await restricted('renderer/x.ts', "import fs from 'fs';\nexport const a = fs;\n")).toHaveLength(1);
    expect(await restricted('renderer/x.ts', "import Database from 'better-sqlite3';\nexport const a = Database;\n")).toHaveLength(1);
    expect(
      await restricted('renderer/x.ts', "import type { ChangeObject } from '../core/changes/types';\nexport type A = ChangeObject;\n"),
    ).toHaveLength(0);
  });

  it('the CLI may not import electron; the Electron shell may not import the CLI', async () => {
    expect(await restricted('cli/x.ts', "import { app } from 'electron';\nexport const a = app;\n")).toHaveLength(1);
    expect(await restricted('electron/x.ts', "import { x } from '../cli/voxwatch';\nexport const a = x;\n")).toHaveLength(1);
  });
});
