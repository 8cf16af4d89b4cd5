import proj4 from 'proj4';
import type { CrsInfo } from '../io/types';
import { lookupEpsg } from './epsg';

/** Projected (x, y) → WGS 84 [longitude, latitude] in degrees. */
export type ToWgs84 = (x: number, y: number) => [number, number];

/**
 * A converter from the project CRS to WGS 84, or null when the CRS is unknown or proj4 cannot
 * read its definition (the report then shows projected coordinates only). Prefers the EPSG
 * registry's proj string, then the CRS's own WKT.
 */
export function toWgs84(crs: CrsInfo | null | undefined): ToWgs84 | null {
  if (!crs) return null;
  const entry = crs.epsg !== undefined ? lookupEpsg(crs.epsg) : undefined;
  for (const definition of [entry?.proj4, entry?.wkt, crs.wkt]) {
    if (!definition) continue;
    try {
      const converter = proj4(definition, 'WGS84');
      return (x, y) => {
        const [lon, lat] = converter.forward([x, y]);
        return [lon, lat];
      };
    } catch {
      // proj4 cannot read this definition: try the next.
    }
  }
  return null;
}
