import type { ChangeObject, PolygonCoords } from '../changes/types';
import type { CrsInfo } from '../io/types';

type Geometry = { type: 'Polygon'; coordinates: PolygonCoords } | { type: 'MultiPolygon'; coordinates: PolygonCoords[] };

export interface FeatureCollection<P> {
  type: 'FeatureCollection';
  crs?: { type: 'name'; properties: { name: string } };
  features: { type: 'Feature'; id?: string; geometry: Geometry | null; properties: P }[];
}

export function geometryOf(footprint: PolygonCoords[]): Geometry | null {
  if (footprint.length === 0) return null;
  return footprint.length === 1 ? { type: 'Polygon', coordinates: footprint[0] } : { type: 'MultiPolygon', coordinates: footprint };
}

/** The legacy GeoJSON `crs` member, naming the projected CRS the coordinates are in. */
function crsMember(crs: CrsInfo | null): FeatureCollection<unknown>['crs'] {
  return crs?.epsg !== undefined ? { type: 'name', properties: { name: `urn:ogc:def:crs:EPSG::${crs.epsg}` } } : undefined;
}

/** changes.geojson: one Feature per change object, in the epochs' projected CRS. */
export function changesToGeoJson(changes: ChangeObject[], crs: CrsInfo | null, status: (c: ChangeObject) => string = () => 'unreviewed') {
  const fc: FeatureCollection<Record<string, unknown>> = {
    type: 'FeatureCollection',
    crs: crsMember(crs),
    features: changes.map((c) => {
      const { footprint, evidence, ...props } = c;
      return {
        type: 'Feature',
        id: c.id,
        geometry: geometryOf(footprint),
        properties: { ...props, status: status(c), evidence },
      };
    }),
  };
  return fc;
}

/**
 * Any list of footprinted records as a FeatureCollection, e.g. suppressed candidates (to explain
 * what was not flagged) or uncertain areas (what one epoch did not see).
 */
export function footprintsToGeoJson<T extends { footprint: PolygonCoords[] }>(items: T[], crs: CrsInfo | null) {
  return {
    type: 'FeatureCollection',
    crs: crsMember(crs),
    features: items.map(({ footprint, ...props }) => ({ type: 'Feature', geometry: geometryOf(footprint), properties: props })),
  } satisfies FeatureCollection<unknown>;
}
