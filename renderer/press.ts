// Telling a click in the 3D view from a drag of it: the browser sends a click after any press and release on the same
// element, also after an orbit or a pan. What the pointer did between the two decides. No DOM types needed to check it.

/** How far (CSS pixels) the pointer may stray from where it went down for the press to stay a click, not a drag. */
export const CLICK_SLOP_PX = 4;

/** What of a PointerEvent counts here. */
interface PointerLike {
  clientX: number;
  clientY: number;
  isPrimary: boolean;
}

/** The pointer's farthest distance from where it went down, over one press. */
export class PressTravel {
  private start: [number, number] | null = null;
  private farthest = 0;

  down(x: number, y: number): void {
    this.start = [x, y];
    this.farthest = 0;
  }

  /** A move (or the release itself) at (x, y); ignored between presses. */
  move(x: number, y: number): void {
    if (this.start) this.farthest = Math.max(this.farthest, Math.hypot(x - this.start[0], y - this.start[1]));
  }

  /**
   * Whether the press that ends at (x, y) dragged: it went farther than CLICK_SLOP_PX at some point, even if it came
   * back (a pan away and back has moved the view under the pointer).
   */
  dragged(x: number, y: number): boolean {
    this.move(x, y);
    const dragged = this.farthest > CLICK_SLOP_PX;
    // The press is over: a click without a press of its own (from the keyboard) is no drag.
    this.start = null;
    this.farthest = 0;
    return dragged;
  }

  /** Follows the presses on `el` (capture phase: before a handler that stops them). */
  listen(el: { addEventListener(type: 'pointerdown' | 'pointermove', f: (e: PointerLike) => void, capture: boolean): void }): this {
    el.addEventListener('pointerdown', (e) => e.isPrimary && this.down(e.clientX, e.clientY), true);
    el.addEventListener('pointermove', (e) => e.isPrimary && this.move(e.clientX, e.clientY), true);
    return this;
  }
}
