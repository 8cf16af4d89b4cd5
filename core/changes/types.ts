/** The kinds of building change VoxWatch reports (DESIGN.md, "Detection"). */
export const CHANGE_TYPES = [
  'new_building',
  'storeys_added',
  'rooftop_structure',
  'extension',
  'demolished',
  'height_decrease',
  'other',
] as const;
export type ChangeType = (typeof CHANGE_TYPES)[number];

/** Why a candidate was not reported as a building change. */
export type SuppressionReason = 'vegetation' | 'vehicle' | 'too_small' | 'not_building' | 'sliver' | 'low_coverage';

/** A polygon as GeoJSON coordinates: outer ring first, then holes; rings closed. */
export type PolygonCoords = [number, number][][];

export interface ChangeEvidence {
  /** Points of each epoch inside the footprint. */
  pointsBefore: number;
  pointsAfter: number;
  /** Share of the footprint seen in both epochs (the rest was filled or unseen). */
  coverage: number;
  /** Share of footprint cells where the change cleared the height threshold. */
  supportShare: number;
  /** Excess-green index of the higher surface (NaN → null when no colour). */
  greenness: number | null;
  /** Where that greenness came from: the points' colours, or the epoch's orthophoto where they had none. */
  greennessSource?: 'points' | 'orthophoto';
  /** Excess green of the orthophoto over the footprint, when the epoch has one (null: none there). */
  orthoGreenness?: number | null;
  /** Median plane residual of the higher surface, metres (null: too small to judge). */
  roughness: number | null;
  /** Share of the higher surface's cells that are planar (roof-like) (null: too small to judge). */
  planarShare: number | null;
  /** Share of the top curving both ways like a crown (null: too small to judge). */
  curvedShare: number | null;
  /** Median vertical spread of points in the higher surface's cells, metres. */
  verticalSpread: number;
  /** Share of points classed as vegetation by the file, when its classes were trusted. */
  vegetationClassShare: number | null;
  /** Plain-language reasons this object was flagged and typed as it was. */
  reasons: string[];
}

export interface ChangeObject {
  id: string;
  type: ChangeType;
  /** One or more polygons (a MultiPolygon when the change has separate parts). */
  footprint: PolygonCoords[];
  centroid: [number, number];
  area_m2: number;
  /** Signed solid volume: + added, − removed (m³). */
  volume_m3: number;
  /** The top's change at its 95th percentile (never below the mean), m. */
  height_change_max_m: number;
  height_change_mean_m: number;
  /** Signed storeys estimate (height change / storey height, rounded). */
  storeys: number;
  ground_z: number;
  before_top_z: number;
  after_top_z: number;
  /** Heights above ground before and after (0 for bare ground). */
  before_height_m: number;
  after_height_m: number;
  confidence: number;
  evidence: ChangeEvidence;
}

/** A candidate that looked like change but was judged not to be a building change. */
export interface SuppressedCandidate {
  reason: SuppressionReason;
  footprint: PolygonCoords[];
  centroid: [number, number];
  area_m2: number;
  volume_m3: number;
  height_change_mean_m: number;
  detail: string;
}

/** An area where one epoch could not see: change there can be neither claimed nor ruled out. */
export interface UncertainArea {
  footprint: PolygonCoords[];
  centroid: [number, number];
  area_m2: number;
  /** Which epoch lacked observations. */
  unseenIn: 'before' | 'after' | 'both';
  /** Highest surface the other epoch saw above the ground here, metres. */
  otherHeight_m: number;
}

/** The thresholds that decide whether a candidate is reported (DetectOptions carries them). */
export interface ClassifyOptions {
  minArea: number;
  minVolume: number;
  minHeight: number;
  storeyHeight: number;
  /** Minimum share of the footprint seen in both epochs for a change to be claimed. */
  minCoverage: number;
}
