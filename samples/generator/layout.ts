/**
 * The epoch-1 district: a street grid cut into blocks, each block an urban village, a few large
 * buildings, a courtyard compound or open lots; then trees and parked cars wherever they fit. It also
 * returns the plan of places reserved for later changes (empty lots, room for extensions), which the
 * layout keeps free of trees and cars.
 */
import { CAR_COLORS, pickTreeColor, ROOF_COLORS, WALL_COLORS } from './colors';
import { bboxInside, rectBBox, rectDistance, rectFromBounds, rectsCloserThan, round2, type BBox, type OrientedRect } from './geometry';
import { rngFor, type Rng } from './rng';
import { groundZ, makeTerrain, STOREY_HEIGHT, type Box, type Building, type BuildingKind, type Scene } from './scene';

export type BlockType = 'village' | 'large' | 'compound' | 'lots';

export interface Block {
  id: string;
  type: BlockType;
  box: BBox;
}

/** An empty lot where a new building may appear later. */
export interface LotSpot {
  id: string;
  blockId: string;
  area: OrientedRect;
}

/** Free room next to a building side, for an attached extension. */
export interface ExtensionSpot {
  id: string;
  buildingId: string;
  hostBoxId: string;
  rect: OrientedRect;
}

export interface DistrictPlan {
  blocks: Block[];
  streets: BBox[];
  lotSpots: LotSpot[];
  extensionSpots: ExtensionSpot[];
  /** Non-village blocks: where trees can be planted and cars parked later. */
  openAreas: BBox[];
}

export interface Layout {
  scene: Scene;
  plan: DistrictPlan;
}

/** Clearance that keeps a tree's crown off buildings even after it grows by 2 m. */
export const TREE_CLEARANCE = 2.5;

export function layoutDistrict(seed: number, size: number, originX: number, originY: number): Layout {
  if (size < 80) throw new RangeError(`district size must be at least 80 m (got ${size})`);
  return new LayoutBuilder(seed, size, originX, originY).build();
}

export function carDimensions(rng: Rng): { hw: number; hd: number; height: number } {
  return { hw: rng.range(2.1, 2.4), hd: rng.range(0.88, 0.93), height: rng.range(1.4, 1.6) };
}

class LayoutBuilder {
  private readonly rng: Rng;
  private readonly scene: Scene;
  private readonly plan: DistrictPlan = { blocks: [], streets: [], lotSpots: [], extensionSpots: [], openAreas: [] };
  private readonly footprints: OrientedRect[] = [];
  private buildingCount = 0;

  constructor(
    seed: number,
    private readonly size: number,
    private readonly originX: number,
    private readonly originY: number,
  ) {
    this.rng = rngFor(seed, 'layout');
    const extent = { minX: originX, minY: originY, maxX: originX + size, maxY: originY + size };
    this.scene = {
      extent,
      terrain: makeTerrain(rngFor(seed, 'terrain'), originX, originY, size),
      buildings: [],
      trees: [],
      cars: [],
      ground: [],
      groundSeed: rngFor(seed, 'ground-stains').int(0, 0x7fffffff),
    };
  }

  build(): Layout {
    this.layoutBlocks();
    for (const block of this.plan.blocks) {
      if (block.type === 'village') this.fillVillage(block);
      else if (block.type === 'large') this.fillLarge(block);
      else if (block.type === 'compound') this.fillCompound(block);
      else this.fillLots(block);
    }
    this.plantTrees();
    this.parkCars();
    return { scene: this.scene, plan: this.plan };
  }

  // ── Streets and blocks ────────────────────────────────────────────────────────────────────────

  private layoutBlocks(): void {
    const { extent } = this.scene;
    const xs = this.splitAxis();
    const ys = this.splitAxis();
    const border = 3;
    // Peripheral roads along the district edge, then the inner streets.
    this.scene.ground.push(
      { box: { ...extent, maxY: extent.minY + border }, material: 'asphalt' },
      { box: { ...extent, minY: extent.maxY - border }, material: 'asphalt' },
      { box: { ...extent, maxX: extent.minX + border }, material: 'asphalt' },
      { box: { ...extent, minX: extent.maxX - border }, material: 'asphalt' },
    );
    for (const [a, b] of xs.streets) this.addStreet({ ...extent, minX: this.originX + a, maxX: this.originX + b });
    for (const [a, b] of ys.streets) this.addStreet({ ...extent, minY: this.originY + a, maxY: this.originY + b });

    const cells: BBox[] = [];
    for (const [y0, y1] of ys.blocks) {
      for (const [x0, x1] of xs.blocks) {
        cells.push({ minX: this.originX + x0, minY: this.originY + y0, maxX: this.originX + x1, maxY: this.originY + y1 });
      }
    }
    // Every district gets a village (on the largest block, for small districts), open lots, a
    // compound and large buildings; the rest is mostly village.
    const mandatory: BlockType[] = ['village', 'lots', 'compound', 'large'];
    const area = (b: BBox) => (b.maxX - b.minX) * (b.maxY - b.minY);
    const shuffled = this.rng.shuffled(cells.map((_, i) => i));
    const largest = shuffled.reduce((best, i) => (area(cells[i]) > area(cells[best]) ? i : best), shuffled[0]);
    const order = [largest, ...shuffled.filter((i) => i !== largest)];
    const types: BlockType[] = new Array(cells.length);
    order.forEach((cellIndex, rank) => {
      if (rank < mandatory.length) types[cellIndex] = mandatory[rank];
      else {
        const roll = this.rng.next();
        types[cellIndex] = roll < 0.64 ? 'village' : roll < 0.8 ? 'large' : roll < 0.95 ? 'lots' : 'compound';
      }
    });
    cells.forEach((box, i) => {
      let type = types[i];
      const w = box.maxX - box.minX;
      const h = box.maxY - box.minY;
      if (type === 'compound' && (w < 36 || h < 36)) type = 'large';
      this.plan.blocks.push({ id: `K${String(i + 1).padStart(2, '0')}`, type, box });
      if (type !== 'village') this.plan.openAreas.push(box);
    });
  }

  private addStreet(box: BBox): void {
    this.plan.streets.push(box);
    this.scene.ground.push({ box, material: 'asphalt' });
  }

  /** Cuts [0, size] into blocks of 40–64 m separated by streets of 6–10 m, with a 3 m border. */
  private splitAxis(): { blocks: [number, number][]; streets: [number, number][] } {
    const blocks: [number, number][] = [];
    const streets: [number, number][] = [];
    const end = this.size - 3;
    let pos = 3;
    for (;;) {
      const remaining = end - pos;
      let width: number;
      if (remaining <= 72) width = remaining;
      else {
        width = this.rng.range(40, 64);
        if (remaining - width - 8 < 36) width = (remaining - 8) / 2;
      }
      blocks.push([pos, pos + width]);
      pos += width;
      if (pos >= end - 1e-6) break;
      const street = this.rng.range(6, 10);
      streets.push([pos, pos + street]);
      pos += street;
    }
    return { blocks, streets };
  }

  // ── Blocks ────────────────────────────────────────────────────────────────────────────────────

  /** Rows of handshake houses with 1–2 m gaps; now and then an empty lot at a row end. */
  private fillVillage(block: Block): void {
    const margin = this.rng.range(0.5, 1);
    const inner = shrink(block.box, margin);
    const rows = this.partition(inner.minY, inner.maxY, 13.5, 1, 2);
    for (const [y0, y1] of rows) {
      const slots = this.partition(inner.minX, inner.maxX, 11.5, 1, 2);
      slots.forEach(([x0, x1], slot) => {
        const atRowEnd = slot === 0 || slot === slots.length - 1;
        if (atRowEnd && slots.length > 2 && this.rng.chance(0.12)) {
          this.plan.lotSpots.push({
            id: `L${this.plan.lotSpots.length + 1}`,
            blockId: block.id,
            area: rectFromBounds(x0, y0, x1, y1),
          });
          return;
        }
        const depth = y1 - y0 - this.rng.range(0, 1.5);
        const atFront = this.rng.chance(0.5);
        const footprint = rectFromBounds(x0, atFront ? y0 : y1 - depth, x1, atFront ? y0 + depth : y1);
        const storeys = this.rng.pick([4, 5, 5, 6, 6, 6, 7, 7, 8]);
        const building = this.addBuilding('village_house', storeys, [footprint]);
        if (this.rng.chance(0.2)) this.addStairHut(building);
      });
    }
  }

  /** One or two large buildings (rectangular, rotated or L-shaped) in open ground with parking. */
  private fillLarge(block: Block): void {
    const inner = shrink(block.box, 4);
    const count = inner.maxX - inner.minX > 50 && inner.maxY - inner.minY > 36 && this.rng.chance(0.4) ? 2 : 1;
    for (let n = 0; n < count; n++) {
      const lShaped = this.rng.chance(0.4);
      const angle = !lShaped && this.rng.chance(0.45) ? this.rng.pick([-1, 1]) * this.rng.range(0.17, 0.44) : 0;
      const maxW = Math.min(40, (inner.maxX - inner.minX) * (count === 2 ? 0.45 : 0.7));
      const maxD = Math.min(30, (inner.maxY - inner.minY) * 0.7);
      if (maxW < 15 || maxD < 15) continue;
      const w = this.rng.range(15, maxW);
      const d = this.rng.range(15, maxD);
      for (let attempt = 0; attempt < 40; attempt++) {
        const parts = lShaped ? this.lParts(inner, w, d) : [this.randomRectIn(inner, w / 2, d / 2, angle)];
        if (!parts || parts.some((p) => !p || !this.isFree(p, 6))) continue;
        const building = this.addBuilding('large', this.rng.int(4, 10), parts as OrientedRect[]);
        this.planExtensions(building, inner, 1.5, 2);
        break;
      }
    }
    this.planLot(block, inner);
  }

  /** Four wings of 2–4 storeys around a courtyard, with a gate in the south wing. */
  private fillCompound(block: Block): void {
    const bw = block.box.maxX - block.box.minX;
    const bh = block.box.maxY - block.box.minY;
    const ow = this.rng.range(30, Math.max(30, Math.min(46, bw - 6)));
    const oh = this.rng.range(30, Math.max(30, Math.min(46, bh - 6)));
    const x0 = block.box.minX + this.rng.range(3, Math.max(3, bw - ow - 3));
    const y0 = block.box.minY + this.rng.range(3, Math.max(3, bh - oh - 3));
    const x1 = x0 + ow;
    const y1 = y0 + oh;
    const wd = this.rng.range(7, 9);
    const gateX = (x0 + x1) / 2 + this.rng.range(-4, 4);
    const wings = [
      rectFromBounds(x0, y0, gateX - 2, y0 + wd),
      rectFromBounds(gateX + 2, y0, x1, y0 + wd),
      rectFromBounds(x0, y1 - wd, x1, y1),
      rectFromBounds(x0, y0 + wd, x0 + wd, y1 - wd),
      rectFromBounds(x1 - wd, y0 + wd, x1, y1 - wd),
    ];
    const building = this.addBuilding('compound', this.rng.int(2, 4), wings, 'wing');
    const courtyard = { minX: x0 + wd, minY: y0 + wd, maxX: x1 - wd, maxY: y1 - wd };
    // Into the courtyard, from the north, west and east wings (the south wing has the gate). The
    // extensions touch the courtyard's edge (their host's wall), hence no margin there.
    this.planExtensions(building, grow(courtyard, 0.01), 0, 3, [2, 3, 4]);
    if (this.rng.chance(0.5)) {
      const g = shrink(courtyard, 2);
      this.scene.ground.push({ box: { ...g, maxX: (g.minX + g.maxX) / 2 }, material: 'grass' });
    }
  }

  /** Bare soil with grass patches and room for several new buildings. */
  private fillLots(block: Block): void {
    this.scene.ground.push({ box: shrink(block.box, 1), material: 'soil' });
    const inner = shrink(block.box, 2);
    const grassCount = this.rng.int(1, 2);
    for (let i = 0; i < grassCount; i++) {
      const w = this.rng.range(8, 16);
      const h = this.rng.range(8, 16);
      const x = this.rng.range(inner.minX, Math.max(inner.minX, inner.maxX - w));
      const y = this.rng.range(inner.minY, Math.max(inner.minY, inner.maxY - h));
      this.scene.ground.push({ box: { minX: x, minY: y, maxX: x + w, maxY: y + h }, material: 'grass' });
    }
    for (let i = 0; i < 4; i++) this.planLot(block, inner);
  }

  private planLot(block: Block, inner: BBox): void {
    for (let attempt = 0; attempt < 30; attempt++) {
      const area = this.randomRectIn(inner, this.rng.range(7, 9), this.rng.range(7.5, 10), 0);
      if (!area || !this.isFree(area, 5)) continue;
      if (this.plan.lotSpots.some((s) => rectsCloserThan(s.area, area, 6))) continue;
      if (this.plan.extensionSpots.some((s) => rectsCloserThan(s.rect, area, 6))) continue;
      this.plan.lotSpots.push({ id: `L${this.plan.lotSpots.length + 1}`, blockId: block.id, area });
      return;
    }
  }

  /** An L: a main wing plus a perpendicular wing sharing an edge, both in the frame of `inner`. */
  private lParts(inner: BBox, w: number, d: number): OrientedRect[] | null {
    const wingW = this.rng.range(8, Math.max(8, w * 0.45));
    const wingD = this.rng.range(8, 14);
    const mainD = Math.max(10, d - wingD);
    const totalD = mainD + wingD;
    const minX = this.rng.range(inner.minX, inner.maxX - w);
    const minY = this.rng.range(inner.minY, inner.maxY - totalD);
    if (!(minX >= inner.minX) || !(minY >= inner.minY)) return null;
    const wingAtLeft = this.rng.chance(0.5);
    const wingX0 = wingAtLeft ? minX : minX + w - wingW;
    return [rectFromBounds(minX, minY, minX + w, minY + mainD), rectFromBounds(wingX0, minY + mainD, wingX0 + wingW, minY + totalD)];
  }

  /** Room for 1–2-storey extensions on free sides of a building's ground boxes. */
  private planExtensions(building: Building, within: BBox, margin: number, maxSpots: number, onlyBoxes?: number[]): void {
    let planned = 0;
    const boxes = building.boxes.filter((b, i) => b.onGround && (!onlyBoxes || onlyBoxes.includes(i)));
    for (const box of this.rng.shuffled(boxes)) {
      if (planned >= maxSpots) break;
      for (const side of this.rng.shuffled([0, 1, 2, 3])) {
        const rect = this.extensionRect(box, side);
        if (!rect || !bboxInside(rectBBox(rect), within, margin)) continue;
        const others = this.footprints.filter((f) => !sameRect(f, box));
        if (others.some((f) => rectsCloserThan(f, rect, 3))) continue;
        if (this.plan.extensionSpots.some((s) => rectsCloserThan(s.rect, rect, 6))) continue;
        this.plan.extensionSpots.push({
          id: `E${this.plan.extensionSpots.length + 1}`,
          buildingId: building.id,
          hostBoxId: box.id,
          rect,
        });
        planned++;
        break;
      }
    }
  }

  /** A rectangle 5–8 m along a side of `box` and 3–5 m deep, touching it from outside. */
  private extensionRect(box: Box, side: number): OrientedRect | null {
    const alongU = side % 2 === 1; // sides 1 and 3 run along u (they face ±v)
    const sideLength = 2 * (alongU ? box.hw : box.hd);
    const width = Math.min(this.rng.range(5, 8), sideLength - 2);
    if (width < 4) return null;
    const depth = this.rng.range(3, 5);
    const offset = this.rng.range(-(sideLength - width) / 2 + 0.5, (sideLength - width) / 2 - 0.5);
    const sign = side < 2 ? 1 : -1;
    // Centre of the extension in the box frame (u, v), then rotated into the world.
    const u = alongU ? offset : sign * (box.hw + depth / 2);
    const v = alongU ? sign * (box.hd + depth / 2) : offset;
    const c = Math.cos(box.angle);
    const s = Math.sin(box.angle);
    return {
      cx: box.cx + u * c - v * s,
      cy: box.cy + u * s + v * c,
      hw: (alongU ? width : depth) / 2,
      hd: (alongU ? depth : width) / 2,
      angle: box.angle,
    };
  }

  // ── Buildings ─────────────────────────────────────────────────────────────────────────────────

  private addBuilding(kind: BuildingKind, storeys: number, parts: OrientedRect[], role: Box['role'] = 'main'): Building {
    const id = `B${String(++this.buildingCount).padStart(3, '0')}`;
    const roof = this.rng.pick(ROOF_COLORS);
    const wall = this.rng.pick(WALL_COLORS);
    // One base height for the whole building: its floors are level even on a slope.
    const base = Math.min(...parts.map((p) => groundZ(this.scene.terrain, p.cx, p.cy)));
    const boxes: Box[] = parts.map((part, i) => ({
      ...part,
      id: `${id}-${i + 1}`,
      role: i === 0 ? role : role === 'main' ? 'wing' : role,
      onGround: true,
      z0: round2(base),
      z1: round2(base + storeys * STOREY_HEIGHT),
      roof,
      wall,
    }));
    const building: Building = { id, kind, storeys, boxes };
    this.scene.buildings.push(building);
    this.footprints.push(...boxes);
    return building;
  }

  private addStairHut(building: Building): void {
    const host = building.boxes[0];
    const hw = 1.25;
    const hd = 1.75;
    if (host.hw < hw + 1.5 || host.hd < hd + 1.5) return;
    const su = this.rng.pick([-1, 1]);
    const sv = this.rng.pick([-1, 1]);
    building.boxes.push({
      cx: host.cx + su * (host.hw - hw - this.rng.range(0.5, 1)),
      cy: host.cy + sv * (host.hd - hd - this.rng.range(0.5, 1)),
      hw,
      hd,
      angle: 0,
      id: `${building.id}-${building.boxes.length + 1}`,
      role: 'stair_hut',
      onGround: false,
      z0: host.z1,
      z1: round2(host.z1 + 2.8),
      roof: host.roof,
      wall: host.wall,
    });
  }

  // ── Trees and cars ────────────────────────────────────────────────────────────────────────────

  private plantTrees(): void {
    const candidates: { x: number; y: number; r: number }[] = [];
    for (const block of this.plan.blocks) {
      const inner = shrink(block.box, 1.5);
      const area = (inner.maxX - inner.minX) * (inner.maxY - inner.minY);
      if (block.type === 'village') continue;
      const tries = Math.round(area / (block.type === 'lots' ? 120 : 200));
      for (let i = 0; i < tries; i++) {
        candidates.push({
          x: this.rng.range(inner.minX, inner.maxX),
          y: this.rng.range(inner.minY, inner.maxY),
          r: this.rng.range(2, block.type === 'lots' ? 4.5 : 3.5),
        });
      }
    }
    for (const street of this.plan.streets) {
      const vertical = street.maxY - street.minY > street.maxX - street.minX;
      const width = vertical ? street.maxX - street.minX : street.maxY - street.minY;
      if (width < 8) continue;
      const from = vertical ? street.minY : street.minX;
      const to = vertical ? street.maxY : street.maxX;
      const middle = vertical ? (street.minX + street.maxX) / 2 : (street.minY + street.maxY) / 2;
      for (let t = from + this.rng.range(4, 10); t < to - 4; t += this.rng.range(10, 16)) {
        candidates.push({ x: vertical ? middle : t, y: vertical ? t : middle, r: this.rng.range(1.8, 2.4) });
      }
    }
    for (const c of candidates) {
      if (this.treeFits(c.x, c.y, c.r)) this.addTree(c.x, c.y, c.r);
    }
  }

  private treeFits(x: number, y: number, r: number): boolean {
    const { extent } = this.scene;
    if (x - r < extent.minX + 1 || y - r < extent.minY + 1 || x + r > extent.maxX - 1 || y + r > extent.maxY - 1) {
      return false;
    }
    if (this.footprints.some((f) => rectDistance(f, x, y) < r + TREE_CLEARANCE)) return false;
    if (this.plan.lotSpots.some((s) => rectDistance(s.area, x, y) < r + 3.5)) return false;
    if (this.plan.extensionSpots.some((s) => rectDistance(s.rect, x, y) < r + 3.5)) return false;
    return !this.scene.trees.some((t) => Math.hypot(t.cx - x, t.cy - y) < t.r + r + 1);
  }

  private addTree(x: number, y: number, r: number): void {
    this.scene.trees.push({
      id: `T${String(this.scene.trees.length + 1).padStart(3, '0')}`,
      cx: round2(x),
      cy: round2(y),
      r: round2(r),
      rv: round2(r * this.rng.range(0.75, 0.95)),
      trunkHeight: round2(this.rng.range(2, 3.5)),
      baseZ: round2(groundZ(this.scene.terrain, x, y)),
      color: pickTreeColor(this.rng),
    });
  }

  private parkCars(): void {
    // Along street edges, parked parallel to the kerb.
    for (const street of this.plan.streets) {
      const vertical = street.maxY - street.minY > street.maxX - street.minX;
      const from = vertical ? street.minY : street.minX;
      const to = vertical ? street.maxY : street.maxX;
      for (const edge of [0, 1]) {
        const lane = vertical ? (edge === 0 ? street.minX + 1.1 : street.maxX - 1.1) : edge === 0 ? street.minY + 1.1 : street.maxY - 1.1;
        for (let t = from + this.rng.range(2, 20); t < to - 3; t += this.rng.range(5.5, 30)) {
          this.tryCar(vertical ? lane : t, vertical ? t : lane, vertical ? Math.PI / 2 : 0);
        }
      }
    }
    // In open blocks, parked in whatever free space there is.
    for (const area of this.plan.openAreas) {
      const inner = shrink(area, 2);
      const tries = Math.round(((inner.maxX - inner.minX) * (inner.maxY - inner.minY)) / 150);
      for (let i = 0; i < tries; i++) {
        this.tryCar(this.rng.range(inner.minX, inner.maxX), this.rng.range(inner.minY, inner.maxY), this.rng.pick([0, Math.PI / 2]));
      }
    }
  }

  private tryCar(x: number, y: number, angle: number): void {
    const dims = carDimensions(this.rng);
    const color = this.rng.pick(CAR_COLORS);
    const rect: OrientedRect = { cx: x, cy: y, hw: dims.hw, hd: dims.hd, angle };
    if (!carFits(this.scene, this.plan, rect)) return;
    this.scene.cars.push({
      ...roundRect(rect),
      id: `V${String(this.scene.cars.length + 1).padStart(3, '0')}`,
      baseZ: round2(groundZ(this.scene.terrain, x, y)),
      height: round2(dims.height),
      color,
    });
  }

  // ── Helpers ───────────────────────────────────────────────────────────────────────────────────

  private isFree(rect: OrientedRect, gap: number): boolean {
    return !this.footprints.some((f) => rectsCloserThan(f, rect, gap));
  }

  private randomRectIn(inner: BBox, hw: number, hd: number, angle: number): OrientedRect | null {
    const probe = rectBBox({ cx: 0, cy: 0, hw, hd, angle });
    const ex = probe.maxX;
    const ey = probe.maxY;
    if (inner.maxX - inner.minX < 2 * ex || inner.maxY - inner.minY < 2 * ey) return null;
    return {
      cx: this.rng.range(inner.minX + ex, inner.maxX - ex),
      cy: this.rng.range(inner.minY + ey, inner.maxY - ey),
      hw,
      hd,
      angle,
    };
  }

  /**
   * Splits [from, to] into parts of about `typical` metres separated by gaps of gapMin–gapMax:
   * the part count is chosen first, so the parts stay near the typical size whatever the length.
   */
  private partition(from: number, to: number, typical: number, gapMin: number, gapMax: number): [number, number][] {
    const length = to - from;
    const count = Math.max(1, Math.round((length + gapMin) / typical));
    const gaps = Array.from({ length: count - 1 }, () => this.rng.range(gapMin, gapMax));
    const weights = Array.from({ length: count }, () => this.rng.range(0.85, 1.15));
    const available = length - gaps.reduce((a, b) => a + b, 0);
    const weightSum = weights.reduce((a, b) => a + b, 0);
    const parts: [number, number][] = [];
    let pos = from;
    weights.forEach((w, i) => {
      const part = (available * w) / weightSum;
      parts.push([pos, pos + part]);
      pos += part + (gaps[i] ?? 0);
    });
    return parts;
  }
}

/** Whether a car fits: off buildings, other cars, tree crowns and the places reserved for changes. */
export function carFits(scene: Scene, plan: DistrictPlan, rect: OrientedRect, ignoreCarId?: string): boolean {
  const { extent } = scene;
  const box = rectBBox(rect);
  if (!bboxInside(box, extent, 0.5)) return false;
  for (const b of scene.buildings) for (const f of b.boxes) if (f.onGround && rectsCloserThan(f, rect, 0.8)) return false;
  for (const c of scene.cars) if (c.id !== ignoreCarId && rectsCloserThan(c, rect, 0.6)) return false;
  for (const t of scene.trees) if (rectDistance(rect, t.cx, t.cy) < t.r + 1.5) return false;
  if (plan.lotSpots.some((s) => rectsCloserThan(s.area, rect, 2))) return false;
  return !plan.extensionSpots.some((s) => rectsCloserThan(s.rect, rect, 2));
}

export function shrink(box: BBox, by: number): BBox {
  return { minX: box.minX + by, minY: box.minY + by, maxX: box.maxX - by, maxY: box.maxY - by };
}

function grow(box: BBox, by: number): BBox {
  return shrink(box, -by);
}

function sameRect(a: OrientedRect, b: OrientedRect): boolean {
  return a.cx === b.cx && a.cy === b.cy && a.hw === b.hw && a.hd === b.hd && a.angle === b.angle;
}

function roundRect(rect: OrientedRect): OrientedRect {
  return { cx: round2(rect.cx), cy: round2(rect.cy), hw: round2(rect.hw), hd: round2(rect.hd), angle: rect.angle };
}
