// How far a lead's linked change lies from where the complaint was reported, in the evidence, the CLI and the UI
// alike: a change under half a metre away (0 m once rounded) is at the spot (该位置), not "0 m away". No imports, so
// the renderer can take it too.
export function awayText(metres: number, lang: 'en' | 'zh-CN', decimals = 0): string {
  if (metres < 0.5) return lang === 'zh-CN' ? '该位置' : 'at the spot';
  const n = metres.toFixed(decimals);
  return lang === 'zh-CN' ? `${n} 米` : `${n} m away`;
}
