/**
 * The change story of three epochs. Epoch 1 is the laid-out district; epoch 2 adds new buildings,
 * storeys, rooftop rooms and extensions and removes some buildings; epoch 3 removes some of those again
 * (rectification) and adds more. Between epochs, trees grow, are cut or planted and cars move: these
 * distractors, and holes in the data, must not be reported as building changes. Changes keep their
 * distance from each other and from distractors so that the truth is unambiguous.
 */
import { CAR_COLORS, pickTreeColor, ROOF_COLORS, STEEL_ROOF, WALL_COLORS } from './colors';
import {
  bboxGap,
  bboxInside,
  bboxRing,
  circleBBox,
  circleRing,
  rectBBox,
  rectDistance,
  rectRing,
  round2,
  type BBox,
  type OrientedRect,
  type Ring,
} from './geometry';
import { carDimensions, carFits, shrink, TREE_CLEARANCE, type Layout, type LotSpot } from './layout';
import { rngFor, type Rng } from './rng';
import { cloneScene, groundZ, STOREY_HEIGHT, type Box, type Building, type GroundPatch, type Scene } from './scene';
import { solidAboveTerrain, type ChangeType, type TruthChange, type TruthDistractor } from './truth';

export interface DataHole {
  id: string;
  epoch: number;
  box: BBox;
  overRoof: boolean;
}

export interface Scenario {
  scenes: [Scene, Scene, Scene];
  holes: [DataHole[], DataHole[], DataHole[]];
  /** Index 0: epochs 1→2, index 1: epochs 2→3. */
  changes: [TruthChange[], TruthChange[]];
  distractors: [TruthDistractor[], TruthDistractor[]];
}

/** Minimum gap between a change and anything else in the truth; distractors keep 1 m between them. */
const CHANGE_SEPARATION = 4;
const DISTRACTOR_SEPARATION = 1;

type ChangeOp =
  | { op: 'add_building'; building: Building }
  | { op: 'remove_building'; buildingId: string }
  | { op: 'add_box'; buildingId: string; box: Box }
  | { op: 'remove_box'; buildingId: string; boxId: string }
  | { op: 'set_top'; buildingId: string; z1: number; storeys: number }
  | { op: 'ground'; patch: GroundPatch };

const ROOFTOP_KINDS = {
  shed: { w: 3, d: 4, h: 2.5, label: 'rooftop shed 3 × 4 × 2.5 m' },
  steel_room: { w: 5, d: 6, h: 3, label: 'light steel room 5 × 6 × 3 m' },
} as const;
type RooftopKind = keyof typeof ROOFTOP_KINDS;

export function buildScenario(layout: Layout, seed: number, size: number): Scenario {
  return new ScenarioBuilder(layout, seed, size).build();
}

function applyOp(scene: Scene, op: ChangeOp): void {
  const find = (id: string): Building => {
    const building = scene.buildings.find((b) => b.id === id);
    if (!building) throw new Error(`scenario: building ${id} is missing`);
    return building;
  };
  switch (op.op) {
    case 'add_building':
      scene.buildings.push(structuredClone(op.building));
      break;
    case 'remove_building':
      scene.buildings = scene.buildings.filter((b) => b.id !== op.buildingId);
      break;
    case 'add_box':
      find(op.buildingId).boxes.push(structuredClone(op.box));
      break;
    case 'remove_box': {
      const building = find(op.buildingId);
      building.boxes = building.boxes.filter((b) => b.id !== op.boxId);
      break;
    }
    case 'set_top': {
      // The main box gets its new roof; whatever stands on the roof (a stair hut) moves with it.
      const building = find(op.buildingId);
      const dz = op.z1 - building.boxes[0].z1;
      building.boxes[0].z1 = op.z1;
      for (const box of building.boxes.slice(1)) {
        box.z0 = round2(box.z0 + dz);
        box.z1 = round2(box.z1 + dz);
      }
      building.storeys = op.storeys;
      break;
    }
    case 'ground':
      scene.ground.push(structuredClone(op.patch));
      break;
  }
}

class Zones {
  private readonly zones: { box: BBox; change: boolean }[] = [];

  isFree(box: BBox, change: boolean): boolean {
    return this.zones.every((z) => bboxGap(z.box, box) >= (change || z.change ? CHANGE_SEPARATION : DISTRACTOR_SEPARATION));
  }

  add(box: BBox, change: boolean): void {
    this.zones.push({ box, change });
  }
}

/** Changes of one transition, as they are chosen: scene operations plus truth records. */
interface Transition {
  label: '12' | '23';
  scene: Scene;
  ops: ChangeOp[];
  changes: TruthChange[];
  /** Rooftop kind per change id, to pick a shed for rectification. */
  rooftopKinds: Map<string, RooftopKind>;
}

class ScenarioBuilder {
  private readonly rng: Rng;
  private readonly zones = new Zones();
  private readonly changedBuildings = new Set<string>();
  private readonly usedLots = new Set<string>();
  private readonly usedExtensions = new Set<string>();
  private readonly scale: number;
  private newBuildings = 0;

  constructor(
    private readonly layout: Layout,
    private readonly seed: number,
    size: number,
  ) {
    this.rng = rngFor(seed, 'scenario');
    this.scale = (size / 300) ** 2;
  }

  build(): Scenario {
    const scene1 = this.layout.scene;
    const t12: Transition = { label: '12', scene: cloneScene(scene1), ops: [], changes: [], rooftopKinds: new Map() };
    this.chooseChanges12(t12);
    const t23: Transition = { label: '23', scene: cloneScene(t12.scene), ops: [], changes: [], rooftopKinds: new Map() };
    this.chooseChanges23(t23, t12);

    // Distractors of 1→2 are chosen once all change places are known, then epoch 3 starts from that.
    const scene2 = t12.scene;
    const distractors12 = this.chooseDistractors(scene2, '12');
    const scene3 = cloneScene(scene2);
    for (const op of t23.ops) applyOp(scene3, op);
    const distractors23 = this.chooseDistractors(scene3, '23');

    const holes: [DataHole[], DataHole[], DataHole[]] = [
      this.chooseHoles(scene1, 1),
      this.chooseHoles(scene2, 2),
      this.chooseHoles(scene3, 3),
    ];
    return {
      scenes: [scene1, scene2, scene3],
      holes,
      changes: [t12.changes, t23.changes],
      distractors: [
        [...distractors12, ...holes[0].map(holeTruth), ...holes[1].map(holeTruth)],
        [...distractors23, ...holes[1].map(holeTruth), ...holes[2].map(holeTruth)],
      ],
    };
  }

  private count(base: number, minimum = 1): number {
    return Math.max(minimum, Math.round(base * this.scale));
  }

  // ── Choosing changes ──────────────────────────────────────────────────────────────────────────

  private chooseChanges12(t: Transition): void {
    // Types with the fewest candidates (plain village houses, planned spots) choose first.
    const quota: [ChangeType, number][] = [
      ['storeys_added', this.count(4)],
      ['height_decrease', this.count(2)],
      ['extension', this.count(3)],
      ['new_building', this.count(4)],
      ['demolished', this.count(3)],
      ['rooftop_structure', this.count(4)],
    ];
    // Round-robin, so that no type starves the others of candidates in small districts.
    for (let round = 0; quota.some(([, n]) => n > round); round++) {
      for (const [type, n] of quota) if (round < n) this.tryChange(t, type);
    }
  }

  private chooseChanges23(t: Transition, previous: Transition): void {
    const built = previous.changes.filter((c) => c.type === 'new_building');
    if (built.length > 0) this.rectify(t, this.rng.pick(built));
    const rooftops = previous.changes.filter((c) => c.type === 'rooftop_structure');
    const sheds = rooftops.filter((c) => previous.rooftopKinds.get(c.id) === 'shed');
    if (rooftops.length > 0) this.rectify(t, this.rng.pick(sheds.length > 0 ? sheds : rooftops));

    const cycle: ChangeType[] = ['new_building', 'rooftop_structure', 'storeys_added', 'extension'];
    const additions = this.count(6, 3);
    for (let i = 0; i < additions; i++) {
      for (let k = 0; k < cycle.length; k++) if (this.tryChange(t, cycle[(i + k) % cycle.length])) break;
    }
  }

  private tryChange(t: Transition, type: ChangeType): boolean {
    switch (type) {
      case 'new_building':
        return this.tryNewBuilding(t);
      case 'storeys_added':
        return this.tryStoreys(t, +1);
      case 'height_decrease':
        return this.tryStoreys(t, -1);
      case 'rooftop_structure':
        return this.tryRooftop(t);
      case 'extension':
        return this.tryExtension(t);
      case 'demolished':
        return this.tryDemolition(t);
    }
  }

  private record(t: Transition, change: Omit<TruthChange, 'id'>, ops: ChangeOp[], zone?: BBox): TruthChange {
    const truth: TruthChange = { id: `C${t.label}-${String(t.changes.length + 1).padStart(2, '0')}`, ...change };
    t.changes.push(truth);
    for (const op of ops) {
      t.ops.push(op);
      applyOp(t.scene, op);
    }
    if (zone) this.zones.add(zone, true);
    this.changedBuildings.add(change.buildingId);
    return truth;
  }

  private tryNewBuilding(t: Transition): boolean {
    const spots = this.layout.plan.lotSpots.filter((s) => !this.usedLots.has(s.id));
    for (const spot of this.rng.shuffled(spots)) {
      const small = this.newBuildings === 0;
      const rect = this.buildingInSpot(spot, small);
      if (!rect || !this.zones.isFree(rectBBox(rect), true) || !this.isClearOfObjects(t.scene, rect)) continue;
      const inVillage = this.layout.plan.blocks.find((b) => b.id === spot.blockId)?.type === 'village';
      const storeys = small ? 2 : inVillage ? this.rng.int(4, 7) : this.rng.int(2, 6);
      const id = `N${String(++this.newBuildings).padStart(2, '0')}`;
      const base = round2(groundZ(t.scene.terrain, rect.cx, rect.cy));
      const top = round2(base + storeys * STOREY_HEIGHT);
      const building: Building = {
        id,
        kind: 'new_building',
        storeys,
        boxes: [
          {
            ...rect,
            id: `${id}-1`,
            role: 'main',
            onGround: true,
            z0: base,
            z1: top,
            roof: this.rng.pick(ROOF_COLORS),
            wall: this.rng.pick(WALL_COLORS),
          },
        ],
      };
      const solid = solidAboveTerrain(t.scene.terrain, rect, top);
      this.usedLots.add(spot.id);
      this.record(
        t,
        {
          type: 'new_building',
          footprint: rectRing(rect),
          area_m2: round2(solid.area),
          volume_m3: round2(solid.volume),
          height_change_m: round2(top - solid.meanGround),
          before_top_z: round2(solid.meanGround),
          after_top_z: top,
          storeys,
          buildingId: id,
          description: `new ${storeys}-storey building ${fmt(2 * rect.hw)} × ${fmt(2 * rect.hd)} m`,
        },
        [{ op: 'add_building', building }],
        rectBBox(rect),
      );
      return true;
    }
    return false;
  }

  private buildingInSpot(spot: LotSpot, small: boolean): OrientedRect | null {
    const maxW = 2 * spot.area.hw - 2;
    const maxD = 2 * spot.area.hd - 2;
    const w = small ? 6 : Math.min(maxW, this.rng.range(8, 14));
    const d = small ? 8 : Math.min(maxD, this.rng.range(10, 16));
    if (w < 6 || d < 6 || w > maxW || d > maxD) return null;
    const slackU = (maxW - w) / 2;
    const slackV = (maxD - d) / 2;
    const u = this.rng.range(-slackU, slackU);
    const v = this.rng.range(-slackV, slackV);
    const c = Math.cos(spot.area.angle);
    const s = Math.sin(spot.area.angle);
    return {
      cx: round2(spot.area.cx + u * c - v * s),
      cy: round2(spot.area.cy + u * s + v * c),
      hw: w / 2,
      hd: d / 2,
      angle: spot.area.angle,
    };
  }

  /**
   * Storeys added on the whole roof (+1) or top storeys removed (−1) of a village house; a stair hut
   * on the roof is rebuilt on the new roof, so the changed solid is the house footprint × storeys.
   */
  private tryStoreys(t: Transition, direction: 1 | -1): boolean {
    const candidates = t.scene.buildings.filter(
      (b) =>
        b.kind === 'village_house' &&
        b.boxes.slice(1).every((x) => x.role === 'stair_hut') &&
        !this.changedBuildings.has(b.id) &&
        (direction > 0 ? b.storeys <= 7 : b.storeys >= 6),
    );
    for (const building of this.rng.shuffled(candidates)) {
      const box = building.boxes[0];
      if (!this.zones.isFree(rectBBox(box), true)) continue;
      const k = direction > 0 ? this.rng.int(1, Math.min(3, 10 - building.storeys)) : this.rng.int(1, 2);
      const dz = direction * k * STOREY_HEIGHT;
      const newTop = round2(box.z1 + dz);
      const area = 4 * box.hw * box.hd;
      this.record(
        t,
        {
          type: direction > 0 ? 'storeys_added' : 'height_decrease',
          footprint: rectRing(box),
          area_m2: round2(area),
          volume_m3: round2(area * dz),
          height_change_m: round2(dz),
          before_top_z: box.z1,
          after_top_z: newTop,
          storeys: direction * k,
          buildingId: building.id,
          description:
            direction > 0 ? `${k} storey${k > 1 ? 's' : ''} added on the whole roof` : `top ${k} storey${k > 1 ? 's' : ''} removed`,
        },
        [{ op: 'set_top', buildingId: building.id, z1: newTop, storeys: building.storeys + direction * k }],
        rectBBox(box),
      );
      return true;
    }
    return false;
  }

  private tryRooftop(t: Transition): boolean {
    const kind: RooftopKind = t.rooftopKinds.size === 0 || this.rng.chance(0.5) ? 'shed' : 'steel_room';
    const spec = ROOFTOP_KINDS[kind];
    const candidates = t.scene.buildings.filter(
      (b) => b.kind !== 'new_building' && b.boxes.every((x) => x.onGround) && !this.changedBuildings.has(b.id),
    );
    for (const building of this.rng.shuffled(candidates)) {
      for (const host of this.rng.shuffled(building.boxes)) {
        const rect = this.placeOnRoof(host, spec.w, spec.d);
        if (!rect || !this.zones.isFree(rectBBox(rect), true)) continue;
        const top = round2(host.z1 + spec.h);
        const box: Box = {
          ...rect,
          id: `${building.id}-R${t.label}`,
          role: 'rooftop',
          onGround: false,
          z0: host.z1,
          z1: top,
          roof: kind === 'steel_room' || this.rng.chance(0.5) ? STEEL_ROOF : this.rng.pick(ROOF_COLORS),
          wall: this.rng.pick(WALL_COLORS),
        };
        const change = this.record(
          t,
          {
            type: 'rooftop_structure',
            footprint: rectRing(rect),
            area_m2: round2(spec.w * spec.d),
            volume_m3: round2(spec.w * spec.d * spec.h),
            height_change_m: spec.h,
            before_top_z: host.z1,
            after_top_z: top,
            storeys: Math.round(spec.h / STOREY_HEIGHT),
            buildingId: building.id,
            structureId: box.id,
            description: spec.label,
          },
          [{ op: 'add_box', buildingId: building.id, box }],
          rectBBox(rect),
        );
        t.rooftopKinds.set(change.id, kind);
        return true;
      }
    }
    return false;
  }

  /** A w × d rectangle anywhere on the roof of `host`, at least 0.5 m from its edges. */
  private placeOnRoof(host: Box, w: number, d: number): OrientedRect | null {
    for (const [hw, hd] of this.rng.shuffled([
      [w / 2, d / 2],
      [d / 2, w / 2],
    ])) {
      const slackU = host.hw - hw - 0.5;
      const slackV = host.hd - hd - 0.5;
      if (slackU < 0 || slackV < 0) continue;
      const u = this.rng.range(-slackU, slackU);
      const v = this.rng.range(-slackV, slackV);
      const c = Math.cos(host.angle);
      const s = Math.sin(host.angle);
      return { cx: round2(host.cx + u * c - v * s), cy: round2(host.cy + u * s + v * c), hw, hd, angle: host.angle };
    }
    return null;
  }

  private tryExtension(t: Transition): boolean {
    const spots = this.layout.plan.extensionSpots.filter((s) => !this.usedExtensions.has(s.id) && !this.changedBuildings.has(s.buildingId));
    for (const spot of this.rng.shuffled(spots)) {
      const building = t.scene.buildings.find((b) => b.id === spot.buildingId);
      const host = building?.boxes.find((b) => b.id === spot.hostBoxId);
      if (!building || !host || !this.zones.isFree(rectBBox(spot.rect), true)) continue;
      if (!this.isClearOfObjects(t.scene, spot.rect)) continue;
      const storeys = Math.min(this.rng.int(1, 2), building.storeys - 1);
      if (storeys < 1) continue;
      const base = round2(groundZ(t.scene.terrain, spot.rect.cx, spot.rect.cy));
      const top = round2(base + storeys * STOREY_HEIGHT);
      if (top > host.z1 - 1) continue;
      const solid = solidAboveTerrain(t.scene.terrain, spot.rect, top);
      const box: Box = {
        ...spot.rect,
        id: `${building.id}-X${t.label}`,
        role: 'extension',
        onGround: true,
        z0: base,
        z1: top,
        roof: this.rng.pick(ROOF_COLORS),
        wall: host.wall,
      };
      this.usedExtensions.add(spot.id);
      this.record(
        t,
        {
          type: 'extension',
          footprint: rectRing(spot.rect),
          area_m2: round2(solid.area),
          volume_m3: round2(solid.volume),
          height_change_m: round2(top - solid.meanGround),
          before_top_z: round2(solid.meanGround),
          after_top_z: top,
          storeys,
          buildingId: building.id,
          structureId: box.id,
          description: `${storeys}-storey extension ${fmt(2 * spot.rect.hw)} × ${fmt(2 * spot.rect.hd)} m`,
        },
        [{ op: 'add_box', buildingId: building.id, box }],
        rectBBox(spot.rect),
      );
      return true;
    }
    return false;
  }

  private tryDemolition(t: Transition): boolean {
    const candidates = t.scene.buildings.filter(
      (b) => (b.kind === 'village_house' || b.kind === 'large') && b.boxes.length === 1 && !this.changedBuildings.has(b.id),
    );
    // Half of the time a large building goes first: village houses are also wanted for storeys.
    const largeFirst = this.rng.chance(0.5);
    const ordered = this.rng.shuffled(candidates).sort((a, b) => rank(a) - rank(b));
    function rank(b: Building): number {
      return largeFirst === (b.kind === 'large') ? 0 : 1;
    }
    for (const building of ordered) {
      const box = building.boxes[0];
      const zone = rectBBox(box);
      if (!this.zones.isFree(zone, true)) continue;
      const solid = solidAboveTerrain(t.scene.terrain, box, box.z1);
      this.record(
        t,
        {
          type: 'demolished',
          footprint: rectRing(box),
          area_m2: round2(solid.area),
          volume_m3: round2(-solid.volume),
          height_change_m: round2(solid.meanGround - box.z1),
          before_top_z: box.z1,
          after_top_z: round2(solid.meanGround),
          storeys: -building.storeys,
          buildingId: building.id,
          description: `${building.storeys}-storey ${building.kind === 'large' ? 'building' : 'house'} demolished`,
        },
        [
          { op: 'remove_building', buildingId: building.id },
          { op: 'ground', patch: { box: zone, material: 'soil' } },
        ],
        zone,
      );
      return true;
    }
    return false;
  }

  /** Removes in `t` what an earlier change added (its place is already reserved). */
  private rectify(t: Transition, earlier: TruthChange): void {
    const building = t.scene.buildings.find((b) => b.id === earlier.buildingId);
    if (!building) return;
    const common = {
      footprint: earlier.footprint,
      area_m2: earlier.area_m2,
      volume_m3: -earlier.volume_m3,
      height_change_m: -earlier.height_change_m,
      before_top_z: earlier.after_top_z,
      after_top_z: earlier.before_top_z,
      storeys: -earlier.storeys,
      buildingId: earlier.buildingId,
      rectifies: earlier.id,
    };
    if (earlier.type === 'new_building') {
      this.record(t, { ...common, type: 'demolished', description: `new building ${earlier.buildingId} removed again` }, [
        { op: 'remove_building', buildingId: building.id },
      ]);
    } else if (earlier.structureId) {
      this.record(
        t,
        { ...common, type: 'demolished', structureId: earlier.structureId, description: `${earlier.description} removed again` },
        [{ op: 'remove_box', buildingId: building.id, boxId: earlier.structureId }],
      );
    }
  }

  /** No tree crown (even grown) or car where a new solid will stand. */
  private isClearOfObjects(scene: Scene, rect: OrientedRect): boolean {
    if (scene.trees.some((tree) => rectDistance(rect, tree.cx, tree.cy) < tree.r + 1)) return false;
    return !scene.cars.some((car) => bboxGap(rectBBox(car), rectBBox(rect)) < 1);
  }

  // ── Distractors ───────────────────────────────────────────────────────────────────────────────

  private chooseDistractors(scene: Scene, label: '12' | '23'): TruthDistractor[] {
    const rng = rngFor(this.seed, 'distractors', label);
    const out: TruthDistractor[] = [];
    const touched = new Set<string>();
    const nextId = () => `D${label}-${String(out.length + 1).padStart(2, '0')}`;
    const plan: [() => TruthDistractor | null, number][] = [
      [() => this.growTree(scene, rng, touched, nextId()), this.count(6, 2)],
      [() => this.cutTree(scene, rng, touched, nextId()), this.count(3)],
      [() => this.plantTree(scene, rng, label, nextId()), this.count(3)],
      [() => this.moveCar(scene, rng, touched, nextId()), this.count(4)],
      [() => this.addCar(scene, rng, label, nextId()), this.count(3)],
      [() => this.removeCar(scene, rng, touched, nextId()), this.count(3)],
    ];
    for (const [make, n] of plan) {
      for (let i = 0; i < n; i++) {
        const d = make();
        if (d) out.push(d);
      }
    }
    return out;
  }

  private growTree(scene: Scene, rng: Rng, touched: Set<string>, id: string): TruthDistractor | null {
    for (const tree of rng.shuffled(scene.trees.filter((t) => !touched.has(t.id)))) {
      const r = round2(tree.r + rng.range(1, 2));
      const zone = circleBBox(tree.cx, tree.cy, r);
      if (!bboxInside(zone, scene.extent, 0.5) || !this.zones.isFree(zone, false)) continue;
      if (scene.buildings.some((b) => b.boxes.some((x) => x.onGround && rectDistance(x, tree.cx, tree.cy) < r + 0.5))) {
        continue;
      }
      touched.add(tree.id);
      this.zones.add(zone, false);
      const before = tree.r;
      tree.rv = round2((tree.rv * r) / tree.r);
      tree.r = r;
      return {
        id,
        kind: 'tree_grown',
        footprint: circleRing(tree.cx, tree.cy, r),
        center: [tree.cx, tree.cy],
        radius: r,
        radius_before: before,
        radius_after: r,
      };
    }
    return null;
  }

  private cutTree(scene: Scene, rng: Rng, touched: Set<string>, id: string): TruthDistractor | null {
    for (const tree of rng.shuffled(scene.trees.filter((t) => !touched.has(t.id)))) {
      const zone = circleBBox(tree.cx, tree.cy, tree.r);
      if (!this.zones.isFree(zone, false)) continue;
      touched.add(tree.id);
      this.zones.add(zone, false);
      scene.trees = scene.trees.filter((t) => t.id !== tree.id);
      return {
        id,
        kind: 'tree_cut',
        footprint: circleRing(tree.cx, tree.cy, tree.r),
        center: [tree.cx, tree.cy],
        radius: tree.r,
        radius_before: tree.r,
        radius_after: 0,
      };
    }
    return null;
  }

  private plantTree(scene: Scene, rng: Rng, label: string, id: string): TruthDistractor | null {
    const areas = this.layout.plan.openAreas;
    if (areas.length === 0) return null;
    for (let attempt = 0; attempt < 200; attempt++) {
      const area = shrink(rng.pick(areas), 2);
      const r = round2(rng.range(2, 3));
      const x = round2(rng.range(area.minX + r, area.maxX - r));
      const y = round2(rng.range(area.minY + r, area.maxY - r));
      const zone = circleBBox(x, y, r);
      if (!bboxInside(zone, scene.extent, 1) || !this.zones.isFree(zone, false)) continue;
      if (scene.buildings.some((b) => b.boxes.some((f) => f.onGround && rectDistance(f, x, y) < r + TREE_CLEARANCE))) {
        continue;
      }
      if (scene.trees.some((t) => Math.hypot(t.cx - x, t.cy - y) < t.r + r + 1)) continue;
      if (scene.cars.some((c) => rectDistance(c, x, y) < r + 1.5)) continue;
      this.zones.add(zone, false);
      scene.trees.push({
        id: `T${label}-${id.slice(-2)}`,
        cx: x,
        cy: y,
        r,
        rv: round2(r * rng.range(0.75, 0.95)),
        trunkHeight: round2(rng.range(1.8, 2.5)),
        baseZ: round2(groundZ(scene.terrain, x, y)),
        color: pickTreeColor(rng),
      });
      return { id, kind: 'tree_planted', footprint: circleRing(x, y, r), center: [x, y], radius: r, radius_before: 0, radius_after: r };
    }
    return null;
  }

  private moveCar(scene: Scene, rng: Rng, touched: Set<string>, id: string): TruthDistractor | null {
    for (const car of rng.shuffled(scene.cars.filter((c) => !touched.has(c.id))).slice(0, 20)) {
      const from = rectBBox(car);
      if (!this.zones.isFree(from, false)) continue;
      const target = this.freeCarRect(scene, rng, car.id, car);
      if (!target) continue;
      const to = rectBBox(target);
      if (bboxGap(from, to) < 3) continue;
      touched.add(car.id);
      this.zones.add(from, false);
      this.zones.add(to, false);
      const fromRing = rectRing(car);
      Object.assign(car, target, { baseZ: round2(groundZ(scene.terrain, target.cx, target.cy)) });
      return { id, kind: 'car_moved', footprint: rectRing(target), from_footprint: fromRing };
    }
    return null;
  }

  private addCar(scene: Scene, rng: Rng, label: string, id: string): TruthDistractor | null {
    const dims = carDimensions(rng);
    const target = this.freeCarRect(scene, rng, undefined, dims);
    if (!target) return null;
    this.zones.add(rectBBox(target), false);
    scene.cars.push({
      ...target,
      id: `V${label}-${id.slice(-2)}`,
      baseZ: round2(groundZ(scene.terrain, target.cx, target.cy)),
      height: round2(dims.height),
      color: rng.pick(CAR_COLORS),
    });
    return { id, kind: 'car_added', footprint: rectRing(target) };
  }

  private removeCar(scene: Scene, rng: Rng, touched: Set<string>, id: string): TruthDistractor | null {
    for (const car of rng.shuffled(scene.cars.filter((c) => !touched.has(c.id)))) {
      const zone = rectBBox(car);
      if (!this.zones.isFree(zone, false)) continue;
      touched.add(car.id);
      this.zones.add(zone, false);
      scene.cars = scene.cars.filter((c) => c.id !== car.id);
      return { id, kind: 'car_removed', footprint: rectRing(car) };
    }
    return null;
  }

  /** A free parking place for a car of the given size, in an open block or along a street. */
  private freeCarRect(scene: Scene, rng: Rng, ignoreCarId: string | undefined, dims: { hw: number; hd: number }): OrientedRect | null {
    const areas = [...this.layout.plan.openAreas, ...this.layout.plan.streets];
    for (let attempt = 0; attempt < 200; attempt++) {
      const area = rng.pick(areas);
      const along = area.maxY - area.minY > area.maxX - area.minX ? Math.PI / 2 : 0;
      const inner = shrink(area, 1.2);
      if (inner.maxX <= inner.minX || inner.maxY <= inner.minY) continue;
      const rect: OrientedRect = {
        cx: round2(rng.range(inner.minX, inner.maxX)),
        cy: round2(rng.range(inner.minY, inner.maxY)),
        hw: dims.hw,
        hd: dims.hd,
        angle: rng.chance(0.7) ? along : along === 0 ? Math.PI / 2 : 0,
      };
      if (!carFits(scene, this.layout.plan, rect, ignoreCarId)) continue;
      if (!this.zones.isFree(rectBBox(rect), false)) continue;
      return rect;
    }
    return null;
  }

  // ── Data holes ────────────────────────────────────────────────────────────────────────────────

  /** Patches 5–15 m across with no points at all in one epoch; about half of them over roofs. */
  private chooseHoles(scene: Scene, epoch: number): DataHole[] {
    const rng = rngFor(this.seed, 'holes', epoch);
    const holes: DataHole[] = [];
    const wanted = this.count(4, 2);
    const roofs = scene.buildings.filter((b) => !this.changedBuildings.has(b.id));
    for (let attempt = 0; attempt < 400 && holes.length < wanted; attempt++) {
      const overRoof = holes.length < Math.ceil(wanted / 2) && roofs.length > 0;
      let box: BBox;
      if (overRoof) {
        const roof = rng.pick(rng.pick(roofs).boxes);
        const w = rng.range(5, 10);
        const h = rng.range(5, 10);
        box = { minX: roof.cx - w / 2, minY: roof.cy - h / 2, maxX: roof.cx + w / 2, maxY: roof.cy + h / 2 };
      } else {
        const w = rng.range(5, 15);
        const h = rng.range(5, 15);
        const x = rng.range(scene.extent.minX, scene.extent.maxX - w);
        const y = rng.range(scene.extent.minY, scene.extent.maxY - h);
        box = { minX: x, minY: y, maxX: x + w, maxY: y + h };
      }
      box = { minX: round2(box.minX), minY: round2(box.minY), maxX: round2(box.maxX), maxY: round2(box.maxY) };
      if (!bboxInside(box, scene.extent, 1) || !this.zones.isFree(box, false)) continue;
      this.zones.add(box, false);
      holes.push({ id: `H${epoch}-${String(holes.length + 1).padStart(2, '0')}`, epoch, box, overRoof });
    }
    return holes;
  }
}

function holeTruth(hole: DataHole): TruthDistractor {
  const footprint: Ring = bboxRing(hole.box);
  return { id: hole.id, kind: 'data_hole', footprint, epoch: hole.epoch };
}

function fmt(value: number): string {
  return String(Math.round(value * 10) / 10);
}
