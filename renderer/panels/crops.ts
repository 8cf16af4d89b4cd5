// Before / after orthophoto crops of the selected change in the detail panel, with its footprint drawn over them
// (an SVG over the image, in the crop's world box). Crops are fetched once per change and kept while the run is open.
import type { ChangeCrops, ViewImage } from '../../core/api';
import type { PolygonCoords } from '../../core/changes/types';
import type { ViewerApi } from '../bridge';
import { h } from '../dom';
import { t, type MessageKey } from '../i18n';

const SVG = 'http://www.w3.org/2000/svg';
const cache = new Map<number, Promise<ChangeCrops>>();

export function clearCrops(): void {
  cache.clear();
}

function cropsOf(api: ViewerApi, key: number): Promise<ChangeCrops> {
  let crops = cache.get(key);
  if (!crops) {
    crops = api.getChangeCrops(key);
    crops.catch(() => cache.delete(key)); // a failure is retried next time
    cache.set(key, crops);
  }
  return crops;
}

/** The footprint as an SVG path in the image's pixel space (y down), holes included. */
function footprintPath(footprint: PolygonCoords[], image: Extract<ViewImage, { box: unknown }>): string {
  const { box, width, height } = image;
  const sx = width / (box.maxX - box.minX);
  const sy = height / (box.maxY - box.minY);
  return footprint
    .flatMap((polygon) =>
      polygon.map(
        (ring) => `M${ring.map(([x, y]) => `${((x - box.minX) * sx).toFixed(1)},${((box.maxY - y) * sy).toFixed(1)}`).join('L')}Z`,
      ),
    )
    .join('');
}

const MISSING: Record<string, MessageKey> = { none: 'noOrthophoto', outside: 'orthoOutside', unreadable: 'orthoUnreadable' };

function figure(which: 'before' | 'after', image: ChangeCrops['before'], footprint: PolygonCoords[]): HTMLElement {
  const caption = h('figcaption', {}, `${t(which)} · ${image.epoch}`);
  if (image.image === null) {
    return h(
      'figure',
      { class: 'crop missing', 'data-epoch': which, 'data-missing': image.missing },
      h('div', { class: 'crop-missing', title: image.detail }, t(MISSING[image.missing])),
      caption,
    );
  }
  const svg = document.createElementNS(SVG, 'svg');
  svg.setAttribute('viewBox', `0 0 ${image.width} ${image.height}`);
  svg.setAttribute('preserveAspectRatio', 'none');
  const path = document.createElementNS(SVG, 'path');
  path.setAttribute('d', footprintPath(footprint, image));
  path.setAttribute('fill-rule', 'evenodd');
  path.setAttribute('class', 'crop-footprint');
  svg.append(path);
  return h(
    'figure',
    { class: 'crop', 'data-epoch': which },
    h('div', { class: 'crop-image' }, h('img', { src: image.image, alt: `${t(which)} ${image.epoch}` }), svg),
    caption,
  );
}

/** A placeholder filled when the crops arrive (if the change is still the one shown). */
export function renderCrops(api: ViewerApi, key: number, footprint: PolygonCoords[]): HTMLElement {
  const box = h('div', { class: 'crops', 'data-key': key, 'data-state': 'loading' }, h('p', { class: 'hint' }, t('loading')));
  cropsOf(api, key).then(
    (crops) => {
      const { before, after } = crops;
      // Neither epoch has an orthophoto: one line says so rather than two empty squares.
      if (before.image === null && after.image === null && before.missing === after.missing)
        box.replaceChildren(
          h(
            'p',
            { class: 'hint crop-none', 'data-missing': before.missing, title: before.detail },
            before.missing === 'none' ? t('noOrthophotos') : t(MISSING[before.missing]),
          ),
        );
      else box.replaceChildren(figure('before', before, footprint), figure('after', after, footprint));
      box.dataset.state = 'ready';
    },
    (e: unknown) => {
      box.replaceChildren(h('p', { class: 'hint' }, `${t('error')}: ${(e as Error).message}`));
      box.dataset.state = 'error';
    },
  );
  return box;
}
