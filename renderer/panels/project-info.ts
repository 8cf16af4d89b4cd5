// The project's name in the header, and what identifies it behind a click: district, author, CRS, creation date and
// the project file's path (selectable, to copy). The name is what the analyst needs at a glance; the path only when
// they must find or send the file.
import type { ProjectInfo } from '../../core/api';
import { h } from '../dom';
import { localTime, t } from '../i18n';

/** Closes the panel on a click elsewhere (one listener for the page: the header is redrawn often). */
let closing = false;
function closeOnOutsideClick(): void {
  if (closing) return;
  closing = true;
  document.addEventListener('click', (e) => {
    const open = document.querySelector<HTMLDetailsElement>('#project-info[open]');
    if (open && !open.contains(e.target as Node)) open.open = false;
  });
}

export function renderProjectInfo(info: ProjectInfo): HTMLElement {
  closeOnOutsideClick();
  const row = (label: string, value: string | Node) => h('div', { class: 'row' }, h('dt', {}, label), h('dd', {}, value));
  const crs = info.crs ? [info.crs.epsg ? `EPSG:${info.crs.epsg}` : '', info.crs.name ?? ''].filter(Boolean).join(' · ') : t('none');
  return h(
    'details',
    { id: 'project-info', class: 'project' },
    // The full name when the header cuts it short; never the path.
    h('summary', { title: info.name }, info.name),
    h(
      'dl',
      {},
      row(t('projectName'), info.name),
      row(t('projectDistrict'), info.district ?? t('none')),
      row(t('reportAuthor'), info.author ?? t('none')),
      row(t('projectCrs'), crs),
      row(t('projectCreated'), info.createdAt ? localTime(new Date(info.createdAt), true) : t('none')),
      row(t('projectFile'), h('code', { class: 'path' }, info.path)),
    ),
  );
}
