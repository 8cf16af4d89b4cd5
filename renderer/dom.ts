// A tiny element builder: the UI is small enough that a framework would cost more than it saves.
type Child = Node | string | number | null | undefined | false;

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: Partial<Record<string, string | number | boolean | EventListener>> = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(props)) {
    if (value === undefined || value === false) continue;
    if (typeof value === 'function') el.addEventListener(name.replace(/^on/, '').toLowerCase(), value);
    else if (name === 'class') el.className = String(value);
    else if (
      name.startsWith('data-') ||
      name.startsWith('aria-') ||
      name === 'role' ||
      name === 'title' ||
      name === 'lang' ||
      name === 'style'
    )
      el.setAttribute(name, value === true ? '' : String(value));
    else (el as unknown as Record<string, unknown>)[name] = value;
  }
  for (const child of children)
    if (child !== null && child !== undefined && child !== false) el.append(typeof child === 'number' ? String(child) : child);
  return el;
}

export function $(id: string): HTMLElement {
  const el = document.getElementById(id);
  if (!el) throw new Error(`#${id} missing from index.html`);
  return el;
}
