/** Accumulates points into growable typed arrays and hands them out as one PointChunk. */
import type { PointChunk } from '../../core/io/types';

export class ChunkBuilder {
  count = 0;
  private x: Float64Array;
  private y: Float64Array;
  private z: Float64Array;
  private rgb: Uint16Array;
  private intensity: Uint16Array;
  private gpsTime: Float64Array;

  constructor(private capacity = 65536) {
    this.x = new Float64Array(capacity);
    this.y = new Float64Array(capacity);
    this.z = new Float64Array(capacity);
    this.rgb = new Uint16Array(capacity * 3);
    this.intensity = new Uint16Array(capacity);
    this.gpsTime = new Float64Array(capacity);
  }

  /** Adds one point; colour channels are 8-bit and stored as 16-bit (×257). */
  push(x: number, y: number, z: number, r: number, g: number, b: number, time: number): void {
    if (this.count === this.capacity) this.grow();
    const i = this.count++;
    this.x[i] = x;
    this.y[i] = y;
    this.z[i] = z;
    const r8 = clamp8(r);
    const g8 = clamp8(g);
    const b8 = clamp8(b);
    this.rgb[3 * i] = r8 * 257;
    this.rgb[3 * i + 1] = g8 * 257;
    this.rgb[3 * i + 2] = b8 * 257;
    // Photogrammetry has no return intensity; like most exporters we store the luminance.
    this.intensity[i] = Math.round((0.299 * r8 + 0.587 * g8 + 0.114 * b8) * 257);
    this.gpsTime[i] = time;
  }

  /** The points so far as a chunk of exactly `count` entries. */
  finish(): PointChunk {
    const n = this.count;
    return {
      count: n,
      x: this.x.slice(0, n),
      y: this.y.slice(0, n),
      z: this.z.slice(0, n),
      rgb: this.rgb.slice(0, 3 * n),
      intensity: this.intensity.slice(0, n),
      gpsTime: this.gpsTime.slice(0, n),
    };
  }

  private grow(): void {
    const capacity = this.capacity * 2;
    const grow64 = (a: Float64Array) => {
      const b = new Float64Array(capacity * (a.length / this.capacity));
      b.set(a);
      return b;
    };
    const grow16 = (a: Uint16Array) => {
      const b = new Uint16Array(capacity * (a.length / this.capacity));
      b.set(a);
      return b;
    };
    this.x = grow64(this.x);
    this.y = grow64(this.y);
    this.z = grow64(this.z);
    this.gpsTime = grow64(this.gpsTime);
    this.rgb = grow16(this.rgb);
    this.intensity = grow16(this.intensity);
    this.capacity = capacity;
  }
}

function clamp8(value: number): number {
  return value <= 0 ? 0 : value >= 255 ? 255 : Math.round(value);
}
