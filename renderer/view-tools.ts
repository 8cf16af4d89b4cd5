// The small toolbar over the 3D view's top-left corner, shared by the tools that add a button to it.
import { h } from './dom';

export function viewToolbar(container: HTMLElement): HTMLElement {
  let bar = container.querySelector<HTMLElement>('.view-tools');
  if (!bar) {
    bar = h('div', { class: 'view-tools', role: 'toolbar' });
    container.append(bar);
  }
  return bar;
}
