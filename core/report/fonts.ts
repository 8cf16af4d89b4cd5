/**
 * The report's fonts: Noto Sans SC (SIL Open Font License) from the @expo-google-fonts/noto-sans-sc
 * package, full TrueType files that ship in node_modules with the app, so Chinese renders on a
 * fresh Windows workstation without any system font. pdfkit embeds only the glyphs used (subset).
 * (fontsource's Noto Sans SC is split into unicode-range .woff2 pieces, which cannot draw
 * arbitrary text.)
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';

export interface ReportFonts {
  regular: string;
  bold: string;
}

const require = createRequire(import.meta.url);

export function reportFonts(): ReportFonts {
  const resolve = (file: string) => {
    let path: string;
    try {
      path = require.resolve(`@expo-google-fonts/noto-sans-sc/${file}`);
    } catch {
      throw new Error(`report font ${file} is missing: reinstall the app (the @expo-google-fonts/noto-sans-sc package ships it)`);
    }
    if (!existsSync(path)) throw new Error(`report font ${path} is missing: reinstall the app`);
    return path;
  };
  return { regular: resolve('400Regular/NotoSansSC_400Regular.ttf'), bold: resolve('700Bold/NotoSansSC_700Bold.ttf') };
}
