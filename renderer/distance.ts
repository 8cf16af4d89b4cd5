// How far a lead's linked change lies from where the complaint was reported, as the CLI and the report say it: a
// change under half a metre away (0 m once rounded) is at the spot (该位置), not "0 m away". No DOM here, so a unit
// test can check it.
export function awayText(metres: number, lang: 'en' | 'zh-CN'): string {
  if (metres < 0.5) return lang === 'zh-CN' ? '该位置' : 'at the spot';
  return lang === 'zh-CN' ? `${metres.toFixed(0)} 米` : `${metres.toFixed(0)} m away`;
}
