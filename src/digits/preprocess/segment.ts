/**
 * Splitting a drawing of several digits side by side (a year, a phone number) into one
 * group of strokes per digit, each then read through strokesToInput and the model like a
 * single digit. Pure and free of Node, so the canvas and the command line share it.
 *
 * The rule, all lengths relative to the line's height S (the tallest stroke's height):
 *
 * 1. Two strokes belong to one digit when their horizontal extents overlap by at least
 *    0.4 of the narrower one, each extent widened to at least 0.3·S about its centre (so
 *    a vertical 1 counts as a digit's width): the bar of a 7, a 5's top, a slashed zero's
 *    slash, in whatever order they were drawn. Two neighbouring digits whose boxes
 *    overlap slightly stay apart.
 * 2. Two strokes whose ink comes within 0.06·S and whose extents overlap by 0.3 of the
 *    narrower one also belong to one digit: a 4's stem through its arm, a 1's base.
 * 3. What is left shorter than 0.65·S (a bar, a flag, a dot) is not a digit on its own:
 *    it joins the digit it overlaps most horizontally, as a 7's bar drawn apart from its
 *    stem or a 1's base drawn below it, else the nearest if it is close beside it. One far
 *    from every digit (a stray dot, the first point of the next digit's stroke) stays a
 *    group of its own rather than stretch a digit's box.
 *
 * Groups are ordered left to right by their boxes' centres; a single digit is one group.
 */
import type { BoundingBox, Stroke } from './strokes';
import { inkBoundingBox } from './strokes';

/** Rule 1: extents narrower than this fraction of S are widened to it. */
export const MIN_DIGIT_WIDTH = 0.3;
/** Rule 1: the overlap, as a fraction of the narrower extent, that makes one digit. */
export const SAME_DIGIT_OVERLAP = 0.4;
/** Rule 2: strokes this close (fraction of S) touch. */
export const TOUCH_DISTANCE = 0.06;
/** Rule 2: touching strokes must also overlap horizontally by this fraction of the narrower one. */
export const TOUCH_OVERLAP = 0.3;
/** Rule 3: a group shorter than this fraction of S is part of a digit, not a digit. */
export const PART_HEIGHT = 0.65;
/** Rule 3: how far beside a digit (fraction of S, past the part's widened extent) a part may be and still join it. */
export const PART_REACH = 0.2;

/** The strokes of one digit, as indices into the drawing's strokes, ascending. */
export type DigitGroup = number[];

/**
 * Strokes -> one group of stroke indices per digit, left to right. Strokes without points
 * belong to no group; a drawing without ink gives no groups.
 */
export function splitIntoDigits(strokes: readonly Stroke[]): DigitGroup[] {
  const inked = strokes.flatMap((stroke, index) => (stroke.length > 0 ? [index] : []));
  if (inked.length <= 1) return inked.map((index) => [index]);
  const boxes = strokes.map((stroke) => inkBoundingBox([stroke]));
  const box = (i: number): BoundingBox => boxes[i]!;
  const union = inkBoundingBox(inked.map((i) => strokes[i]))!;
  // A flat drawing (dots, dashes) still needs a length scale: a digit is about as tall as
  // an eighth of a line of eight.
  const scale = Math.max(...inked.map((i) => box(i).maxY - box(i).minY), (union.maxX - union.minX) / 8, 1e-9);

  const parent = new Map(inked.map((i) => [i, i]));
  const find = (i: number): number => {
    let root = i;
    while (parent.get(root) !== root) root = parent.get(root)!;
    parent.set(i, root);
    return root;
  };
  const join = (a: number, b: number): void => {
    parent.set(find(a), find(b));
  };

  const extent = (b: BoundingBox): [number, number] => {
    const half = Math.max((b.maxX - b.minX) / 2, (MIN_DIGIT_WIDTH * scale) / 2);
    const centre = (b.minX + b.maxX) / 2;
    return [centre - half, centre + half];
  };
  for (let a = 0; a < inked.length; a++) {
    for (let b = a + 1; b < inked.length; b++) {
      const [i, j] = [inked[a], inked[b]];
      if (find(i) === find(j)) continue;
      const [ai, bi] = extent(box(i));
      const [aj, bj] = extent(box(j));
      const overlap = Math.min(bi, bj) - Math.max(ai, aj);
      if (overlap >= SAME_DIGIT_OVERLAP * Math.min(bi - ai, bj - aj)) join(i, j);
      else if (touchOverlap(box(i), box(j), scale) && strokesTouch(strokes[i], strokes[j], TOUCH_DISTANCE * scale)) {
        join(i, j);
      }
    }
  }

  const groups = collect(inked, find);
  const groupBox = (group: DigitGroup): BoundingBox => inkBoundingBox(group.map((i) => strokes[i]))!;
  const isPart = (group: DigitGroup): boolean => {
    const b = groupBox(group);
    return b.maxY - b.minY < PART_HEIGHT * scale;
  };
  const parts = groups.filter(isPart);
  const digits = groups.filter((g) => !isPart(g));
  const alone: DigitGroup[] = [];
  for (const part of digits.length > 0 ? parts : []) {
    const p = groupBox(part);
    const [from, to] = extent(p);
    // The digit over or under it, else the nearest beside it if within reach.
    let best = digits[0];
    let bestScore = -Infinity;
    for (const digit of digits) {
      const d = groupBox(digit);
      const score = Math.min(to, d.maxX) - Math.max(from, d.minX) - 1e-3 * verticalGap(p, d);
      if (score > bestScore) [bestScore, best] = [score, digit];
    }
    if (bestScore >= -PART_REACH * scale) best.push(...part);
    else alone.push(part);
  }
  return orderLeftToRight(digits.length > 0 ? [...digits, ...alone] : groups, strokes);
}

/** Merges group `index` with the one to its right (a digit split in two). Out of range: unchanged. */
export function joinGroups(groups: readonly DigitGroup[], index: number): DigitGroup[] {
  if (!(index >= 0 && index + 1 < groups.length)) return groups.map((g) => [...g]);
  const joined = [...groups[index], ...groups[index + 1]].sort((a, b) => a - b);
  return [...groups.slice(0, index).map((g) => [...g]), joined, ...groups.slice(index + 2).map((g) => [...g])];
}

/**
 * Splits group `index` in two (two digits read as one): its strokes, ordered by their
 * centres left to right, are cut where the left part's right edge and the right part's
 * left edge leave the widest gap (or the least overlap). A group of one stroke cannot be
 * split: unchanged.
 */
export function splitGroup(strokes: readonly Stroke[], groups: readonly DigitGroup[], index: number): DigitGroup[] {
  const group = groups[index];
  const copy = (): DigitGroup[] => groups.map((g) => [...g]);
  if (!group || group.length < 2) return copy();
  const boxes = new Map(group.map((i) => [i, inkBoundingBox([strokes[i]])]));
  const centre = (i: number): number => {
    const b = boxes.get(i);
    return b ? (b.minX + b.maxX) / 2 : 0;
  };
  const ordered = [...group].sort((a, b) => centre(a) - centre(b) || a - b);
  let bestCut = 1;
  let bestGap = -Infinity;
  for (let cut = 1; cut < ordered.length; cut++) {
    const left = inkBoundingBox(ordered.slice(0, cut).map((i) => strokes[i]));
    const right = inkBoundingBox(ordered.slice(cut).map((i) => strokes[i]));
    const gap = left && right ? right.minX - left.maxX : -Infinity;
    if (gap > bestGap) [bestGap, bestCut] = [gap, cut];
  }
  const left = ordered.slice(0, bestCut).sort((a, b) => a - b);
  const right = ordered.slice(bestCut).sort((a, b) => a - b);
  return [...groups.slice(0, index).map((g) => [...g]), left, right, ...groups.slice(index + 1).map((g) => [...g])];
}

/** The strokes of each group, for strokesToInput. */
export function groupStrokes(strokes: readonly Stroke[], group: readonly number[]): Stroke[] {
  return group.map((i) => strokes[i]);
}

/** Groups sorted by their boxes' horizontal centres (ties: first stroke), each sorted ascending. */
export function orderLeftToRight(groups: readonly DigitGroup[], strokes: readonly Stroke[]): DigitGroup[] {
  const keyed = groups
    .filter((g) => g.length > 0)
    .map((g) => {
      const sorted = [...g].sort((a, b) => a - b);
      const b = inkBoundingBox(sorted.map((i) => strokes[i]));
      return { group: sorted, centre: b ? (b.minX + b.maxX) / 2 : 0 };
    });
  keyed.sort((a, b) => a.centre - b.centre || a.group[0] - b.group[0]);
  return keyed.map((k) => k.group);
}

/**
 * Rule 2's horizontal condition: the extents, each widened by the touch distance, overlap
 * by at least TOUCH_OVERLAP of the narrower one. Two neighbouring digits that touch where
 * their boxes overlap slightly stay apart; a flag on a 1's stem does not.
 */
function touchOverlap(a: BoundingBox, b: BoundingBox, scale: number): boolean {
  const pad = TOUCH_DISTANCE * scale;
  const overlap = Math.min(a.maxX, b.maxX) - Math.max(a.minX, b.minX) + 2 * pad;
  return overlap >= TOUCH_OVERLAP * Math.min(a.maxX - a.minX + 2 * pad, b.maxX - b.minX + 2 * pad);
}

function collect(indices: readonly number[], find: (i: number) => number): DigitGroup[] {
  const byRoot = new Map<number, DigitGroup>();
  for (const i of indices) {
    const root = find(i);
    const group = byRoot.get(root);
    if (group) group.push(i);
    else byRoot.set(root, [i]);
  }
  return [...byRoot.values()];
}

function verticalGap(a: BoundingBox, b: BoundingBox): number {
  return Math.max(0, a.minY - b.maxY, b.minY - a.maxY);
}

/** The least distance between the ink of two strokes (as polylines; a single point is a dot). */
export function strokeDistance(a: Stroke, b: Stroke): number {
  let best = Infinity;
  for (const [p, q] of segmentsOf(a))
    for (const [r, s] of segmentsOf(b)) best = Math.min(best, segmentDistance(p, q, r, s));
  return best;
}

function segmentsOf(s: Stroke): [Stroke[number], Stroke[number]][] {
  return s.length === 1 ? [[s[0], s[0]]] : s.slice(1).map((p, k) => [s[k], p]);
}

/** Whether any segment of `a` comes within `distance` of any segment of `b` (a single point is a zero-length segment). */
function strokesTouch(a: Stroke, b: Stroke, distance: number): boolean {
  const sb = segmentsOf(b);
  for (const [p, q] of segmentsOf(a)) {
    const minX = Math.min(p[0], q[0]) - distance;
    const maxX = Math.max(p[0], q[0]) + distance;
    const minY = Math.min(p[1], q[1]) - distance;
    const maxY = Math.max(p[1], q[1]) + distance;
    for (const [r, s] of sb) {
      if (Math.max(r[0], s[0]) < minX || Math.min(r[0], s[0]) > maxX) continue;
      if (Math.max(r[1], s[1]) < minY || Math.min(r[1], s[1]) > maxY) continue;
      if (segmentDistance(p, q, r, s) <= distance) return true;
    }
  }
  return false;
}

function pointSegmentDistance([px, py]: Stroke[number], [ax, ay]: Stroke[number], [bx, by]: Stroke[number]): number {
  const dx = bx - ax;
  const dy = by - ay;
  const lengthSquared = dx * dx + dy * dy;
  const t = lengthSquared > 0 ? Math.min(1, Math.max(0, ((px - ax) * dx + (py - ay) * dy) / lengthSquared)) : 0;
  return Math.hypot(px - (ax + t * dx), py - (ay + t * dy));
}

/** Distance between segments p-q and r-s: zero if they cross, else the least endpoint-to-segment distance. */
function segmentDistance(p: Stroke[number], q: Stroke[number], r: Stroke[number], s: Stroke[number]): number {
  const cross = (o: Stroke[number], a: Stroke[number], b: Stroke[number]): number =>
    (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0]);
  const d1 = cross(r, s, p);
  const d2 = cross(r, s, q);
  const d3 = cross(p, q, r);
  const d4 = cross(p, q, s);
  if (((d1 > 0 && d2 < 0) || (d1 < 0 && d2 > 0)) && ((d3 > 0 && d4 < 0) || (d3 < 0 && d4 > 0))) return 0;
  return Math.min(
    pointSegmentDistance(p, r, s),
    pointSegmentDistance(q, r, s),
    pointSegmentDistance(r, p, q),
    pointSegmentDistance(s, p, q),
  );
}
