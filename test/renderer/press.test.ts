// A press in the 3D view that strays more than a few pixels is a drag (renderer/press.ts): the viewer's picking and
// the measuring tool both skip the click that ends it.
import { describe, expect, it } from 'vitest';
import { CLICK_SLOP_PX, PressTravel } from '../../renderer/press';

describe('a press in the view', () => {
  it('is a click while the pointer stays within the slop of where it went down', () => {
    const p = new PressTravel();
    p.down(100, 100);
    p.move(102, 101);
    expect(p.dragged(103, 102)).toBe(false);
  });

  it('is a drag once it strayed farther, even when released where it went down', () => {
    const p = new PressTravel();
    p.down(100, 100);
    p.move(100 + CLICK_SLOP_PX + 1, 100);
    expect(p.dragged(100, 100)).toBe(true);
    p.down(100, 100);
    expect(p.dragged(100, 100 + CLICK_SLOP_PX + 0.5)).toBe(true);
  });

  it('forgets a press once its click is judged: a click without a press (the keyboard) is no drag', () => {
    const p = new PressTravel();
    p.down(0, 0);
    expect(p.dragged(50, 0)).toBe(true);
    expect(p.dragged(50, 0)).toBe(false);
    p.move(300, 300); // moves between presses count for nothing
    expect(p.dragged(300, 300)).toBe(false);
  });

  it('follows the primary pointer of an element’s presses', () => {
    const listeners: Record<string, (e: { clientX: number; clientY: number; isPrimary: boolean }) => void> = {};
    const p = new PressTravel().listen({ addEventListener: (type, f) => (listeners[type] = f) });
    listeners.pointerdown({ clientX: 10, clientY: 10, isPrimary: true });
    listeners.pointermove({ clientX: 90, clientY: 10, isPrimary: false }); // a second finger
    expect(p.dragged(10, 10)).toBe(false);
    listeners.pointerdown({ clientX: 10, clientY: 10, isPrimary: true });
    listeners.pointermove({ clientX: 30, clientY: 10, isPrimary: true });
    expect(p.dragged(10, 10)).toBe(true);
  });
});
