/**
 * The currency of every reader: a batch of points as typed arrays (never arrays of objects).
 * Coordinates are Float64 so that projected coordinates (northings of 2.5e6 m) keep the file's
 * full precision; Float32 would lose decimetres there.
 */
export interface PointChunk {
  count: number;
  x: Float64Array;
  y: Float64Array;
  z: Float64Array;
  /** Optional attributes: present only when the source carries them. */
  intensity?: Uint16Array;
  /** ASPRS class code (0–255; legacy formats carry 0–31). */
  classification?: Uint8Array;
  returnNumber?: Uint8Array;
  numberOfReturns?: Uint8Array;
  /** Interleaved r,g,b normalised to 16 bits (0–65535), whatever the file stored. */
  rgb?: Uint16Array;
  gpsTime?: Float64Array;
}

/** Axis-aligned 3D bounds. */
export interface Bounds3 {
  minX: number;
  minY: number;
  minZ: number;
  maxX: number;
  maxY: number;
  maxZ: number;
}

/** A coordinate reference system as found in a source, normalised to EPSG when it has one. */
export interface CrsInfo {
  /** EPSG code of the horizontal (projected or geographic) CRS, when known. */
  epsg?: number;
  /** EPSG code of a vertical CRS, when declared. */
  verticalEpsg?: number;
  /** Human-readable name, e.g. "CGCS2000 / 3-degree Gauss-Kruger CM 114E". */
  name?: string;
  /** Where it came from: "geotiff-keys", "wkt", "user" (--crs) or "sidecar" (a model's metadata.xml). */
  source: 'geotiff-keys' | 'wkt' | 'user' | 'sidecar';
  /** The WKT text, when the source had one. */
  wkt?: string;
  /** Linear unit of the horizontal axes, when known ("metre", "US survey foot", "foot", "degree"). */
  unit?: string;
  /** Unit of the heights, when the CRS declares a vertical part. */
  verticalUnit?: string;
}

/** Thrown for a user's bad input: the message names the file and the problem, and no stack is shown. */
export class SourceError extends Error {
  constructor(
    readonly file: string,
    readonly problem: string,
  ) {
    super(`${file}: ${problem}`);
    this.name = 'SourceError';
  }
}
