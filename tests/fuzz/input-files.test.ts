import { crc32, deflateSync } from 'node:zlib';
import fc from 'fast-check';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { encodeIdxImages, encodeIdxLabels, IdxError, parseIdxImages, parseIdxLabels } from '../../src/digits/data/idx';
import { pngToInput } from '../../src/digits/preprocess/png';
import { DRAWING_LIMITS, drawingsToInputBytes, parseStrokesJson } from '../../src/digits/preprocess/strokes-file';
import { fuzzParameters, inputsToTry, reportFigure, timeLimitFor } from './settings';

// The files a person hands Tegaki besides models: strokes files (personal:import,
// tegaki predict), PNGs (tegaki predict) and MNIST's IDX files. Each is parsed in full or
// refused with an Error that says why; none throws anything else, hangs or runs out of
// memory.

const tally = {
  strokes: { tried: 0, parsed: 0, refused: 0 },
  pngs: { tried: 0, decoded: 0, refused: 0, worstMs: 0 },
  idx: { tried: 0, parsed: 0, refused: 0 },
};

// ---- strokes files

const coordinate = fc.oneof({ weight: 10, arbitrary: fc.double({ min: -1e4, max: 1e4, noNaN: true }) }, { weight: 1, arbitrary: fc.double() });
const drawing = fc.array(fc.array(fc.tuple(coordinate, coordinate), { minLength: 1, maxLength: 30 }), { minLength: 0, maxLength: 5 });
const sample = fc.record(
  { id: fc.oneof(fc.string({ minLength: 1, maxLength: 12 }), fc.constantFrom('a', 'b', '')), strokes: drawing, label: fc.oneof(fc.integer({ min: 0, max: 9 }), fc.constantFrom(-1, 10, 2.5, '3')) },
  { requiredKeys: ['id', 'strokes'] },
);

/** Values that break a strokes file where they stand: wrong types, huge arrays, deep nesting, long strings. */
const hostileValue = fc.oneof(
  fc.constantFrom(null, true, 0, -0, 'NaN', [], {}, [[]], [[[1]]], [[[1, 2, 3]]], [['1', '2']]),
  fc.jsonValue({ maxDepth: 3 }),
  fc.integer({ min: 1, max: 3000 }).map((n) => 'x'.repeat(n * 100)),
  fc.constantFrom(DRAWING_LIMITS.strokes + 1, DRAWING_LIMITS.pointsPerDrawing + 1).map((n) => Array.from({ length: n }, () => [[1, 1]])),
  fc.constant(Array.from({ length: 2 }, () => Array.from({ length: DRAWING_LIMITS.pointsPerDrawing / 2 + 1 }, () => [1, 1]))),
  fc.integer({ min: 100, max: 20_000 }).map((depth) => `${DEEP}${depth}`),
);

/** Stands in for a nesting too deep to clone or stringify; the text gets `depth` brackets in its place. */
const DEEP = '@@deep@@';
const withDeepNesting = (text: string): string =>
  text.replace(new RegExp(`"${DEEP}(\\d+)"`, 'g'), (_match, depth: string) => '['.repeat(Number(depth)) + ']'.repeat(Number(depth)));

/** Replaces the value at a random path of `json` (as the walk finds it) with `value`. */
function replaceSomewhere(json: unknown, pick: number, value: unknown): unknown {
  const slots: { parent: Record<string | number, unknown>; key: string | number }[] = [];
  const walk = (node: unknown): void => {
    if (typeof node !== 'object' || node === null || slots.length > 500) return;
    for (const key of Object.keys(node)) {
      slots.push({ parent: node as Record<string, unknown>, key });
      walk((node as Record<string, unknown>)[key]);
    }
  };
  walk(json);
  if (slots.length === 0) return value;
  const { parent, key } = slots[pick % slots.length];
  parent[key] = value;
  return json;
}

const strokesFileText = fc.oneof(
  { weight: 4, arbitrary: fc.oneof(sample, fc.array(sample, { maxLength: 8 })).map((v) => JSON.stringify(v)) },
  {
    weight: 6,
    arbitrary: fc
      .tuple(fc.array(sample, { minLength: 1, maxLength: 6 }), fc.nat(), hostileValue)
      .map(([samples, pick, value]) => withDeepNesting(JSON.stringify(replaceSomewhere(structuredClone(samples), pick, value)))),
  },
  {
    // Text that JSON.parse reads into values JSON.stringify never writes, or cannot read at all.
    weight: 3,
    arbitrary: fc
      .tuple(fc.array(sample, { minLength: 1, maxLength: 4 }), fc.nat(), fc.constantFrom('NaN', '1e999', '-1e999', '"\\ud800"', ']', '{', '\u0000', '"__proto__":1,'), fc.boolean())
      .map(([samples, at, token, truncate]) => {
        const text = JSON.stringify(samples);
        const cut = at % (text.length + 1);
        return truncate ? text.slice(0, cut) : text.slice(0, cut) + token + text.slice(cut);
      }),
  },
  { weight: 1, arbitrary: fc.string({ maxLength: 200 }) },
);

// ---- PNGs

const validPng = fc
  .record({
    width: fc.integer({ min: 1, max: 64 }),
    height: fc.integer({ min: 1, max: 64 }),
    colorType: fc.constantFrom(0, 2, 4, 6),
    bitDepth: fc.constantFrom(8, 16),
    seed: fc.integer(),
  })
  .map(({ width, height, colorType, bitDepth, seed }) => {
    const png = new PNG({ width, height, colorType: colorType as 0 | 2 | 4 | 6, bitDepth: bitDepth as 8 | 16, inputColorType: 6 } as ConstructorParameters<typeof PNG>[0]);
    let state = seed >>> 0;
    for (let i = 0; i < png.data.length; i++) {
      state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
      png.data[i] = state >>> 24;
    }
    return new Uint8Array(PNG.sync.write(png, { colorType, bitDepth } as Parameters<typeof PNG.sync.write>[1]));
  });

/** A PNG chunk with its CRC, so damage inside it gets past the CRC check. */
function chunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  out.set(new TextEncoder().encode(type), 4);
  out.set(data, 8);
  view.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
  return out;
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

const SIGNATURE = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** A PNG built from its header fields and compressed data, each chunk correctly checksummed. */
function pngOf(width: number, height: number, bitDepth: number, colorType: number, interlace: number, idat: Uint8Array): Uint8Array {
  const ihdr = new Uint8Array(13);
  const view = new DataView(ihdr.buffer);
  view.setUint32(0, width);
  view.setUint32(4, height);
  ihdr.set([bitDepth, colorType, 0, 0, interlace], 8);
  return concat([SIGNATURE, chunk('IHDR', ihdr), chunk('IDAT', idat), chunk('IEND', new Uint8Array())]);
}

/** 32 MB of zeros deflated: a small IDAT that a large declared image would inflate. */
const zerosDeflated = new Uint8Array(deflateSync(new Uint8Array(32 * 1024 * 1024), { level: 9 }));

const hostilePng = fc.oneof(
  // Byte flips and truncations of a valid PNG (most end in a CRC error).
  fc.tuple(validPng, fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 4 }), fc.option(fc.nat())).map(([bytes, flips, cut]) => {
    const copy = bytes.slice();
    for (const [at, value] of flips) copy[at % copy.length] = value;
    return cut === null ? copy : copy.subarray(0, cut % copy.length);
  }),
  // Header fields rewritten with a valid CRC: huge or zero sizes, odd depths and colour types, interlacing.
  fc
    .record({
      width: fc.oneof(fc.integer({ min: 0, max: 70 }), fc.constantFrom(8192, 8193, 100_000, 2 ** 31 - 1, 2 ** 32 - 1)),
      height: fc.oneof(fc.integer({ min: 0, max: 70 }), fc.constantFrom(2048, 8192, 100_000, 2 ** 32 - 1)),
      bitDepth: fc.constantFrom(1, 2, 4, 8, 16, 0, 3, 255),
      colorType: fc.constantFrom(0, 2, 3, 4, 6, 1, 7),
      interlace: fc.constantFrom(0, 1, 2),
      data: fc.oneof(fc.uint8Array({ maxLength: 300 }), fc.uint8Array({ maxLength: 300 }).map((d) => new Uint8Array(deflateSync(d))), fc.constant(zerosDeflated)),
    })
    .map(({ width, height, bitDepth, colorType, interlace, data }) => pngOf(width, height, bitDepth, colorType, interlace, data)),
  fc.uint8Array({ maxLength: 64 }).map((tail) => concat([SIGNATURE, tail])),
);

// ---- IDX headers

const u32 = fc.oneof(fc.integer({ min: 0, max: 64 }), fc.constantFrom(0, 1, 28, 60_000, 2 ** 16, 2 ** 31, 2 ** 32 - 1), fc.integer({ min: 0, max: 2 ** 32 - 1 }));
const idxFile = fc
  .record({
    kind: fc.constantFrom('images', 'labels'),
    magic: fc.oneof(fc.constantFrom(2049, 2051, 0x00000803, 0x03080000), fc.integer({ min: 0, max: 2 ** 32 - 1 })),
    count: u32,
    rows: u32,
    cols: u32,
    body: fc.oneof(fc.nat({ max: 4096 }), fc.constant(-1)),
    fillByte: fc.integer({ min: 0, max: 255 }),
  })
  .map(({ kind, magic, count, rows, cols, body, fillByte }) => {
    const headerBytes = kind === 'images' ? 16 : 8;
    // -1: exactly as long as the header says, when that is small enough to build.
    const wanted = kind === 'images' ? count * rows * cols : count;
    const length = body === -1 && wanted <= 1 << 16 ? wanted : Math.max(0, body);
    const bytes = new Uint8Array(headerBytes + length).fill(fillByte);
    const view = new DataView(bytes.buffer);
    view.setUint32(0, magic);
    view.setUint32(4, count);
    if (kind === 'images') {
      view.setUint32(8, rows);
      view.setUint32(12, cols);
    }
    return { kind, bytes: bytes.subarray(0, Math.min(bytes.length, headerBytes + length)) };
  });

describe('input files (fuzzed)', () => {
  const strokes = inputsToTry(1_000);
  const pngs = inputsToTry(1_000);
  const idx = inputsToTry(500);

  it(`${strokes} strokes files parse into drawings within DRAWING_LIMITS that rasterise, or are refused naming the file`, () => {
    fc.assert(
      fc.property(strokesFileText, (text) => {
        tally.strokes.tried++;
        let samples;
        try {
          samples = parseStrokesJson(text, 'fuzzed.json');
        } catch (error) {
          tally.strokes.refused++;
          expect(error).toBeInstanceOf(Error);
          expect((error as Error).message.startsWith('fuzzed.json: ')).toBe(true);
          return;
        }
        tally.strokes.parsed++;
        expect(new Set(samples.map((s) => s.id)).size).toBe(samples.length);
        for (const s of samples) {
          expect(s.strokes.length).toBeLessThanOrEqual(DRAWING_LIMITS.strokes);
          expect(s.strokes.flat().length).toBeLessThanOrEqual(DRAWING_LIMITS.pointsPerDrawing);
          expect(s.strokes.flat(2).every(Number.isFinite)).toBe(true);
          if (s.label !== undefined) expect(Number.isInteger(s.label) && s.label >= 0 && s.label <= 9).toBe(true);
        }
        const bytes = drawingsToInputBytes(samples.map((s) => s.strokes));
        expect(bytes.length).toBe(samples.length * 784);
      }),
      fuzzParameters(strokes),
    );
    reportFigure(`strokes files: ${tally.strokes.tried} tried, ${tally.strokes.parsed} parsed and rasterised, ${tally.strokes.refused} refused, 0 crashes`);
  }, timeLimitFor(strokes, 100));

  it(`${pngs} PNGs decode to 784 finite values in 0..1 or are refused with an Error`, () => {
    fc.assert(
      fc.property(fc.oneof(validPng, hostilePng, hostilePng), (bytes) => {
        tally.pngs.tried++;
        const started = performance.now();
        try {
          const input = pngToInput(bytes);
          expect(input).toHaveLength(784);
          expect(input.every((v) => Number.isFinite(v) && v >= 0 && v <= 1)).toBe(true);
          tally.pngs.decoded++;
        } catch (error) {
          expect(error).toBeInstanceOf(Error);
          expect((error as Error).message.length).toBeGreaterThan(0);
          tally.pngs.refused++;
        } finally {
          tally.pngs.worstMs = Math.max(tally.pngs.worstMs, performance.now() - started);
        }
      }),
      fuzzParameters(pngs),
    );
    reportFigure(`PNGs: ${tally.pngs.tried} tried, ${tally.pngs.decoded} decoded, ${tally.pngs.refused} refused, 0 crashes; slowest ${tally.pngs.worstMs.toFixed(0)} ms`);
  }, timeLimitFor(pngs, 200));

  it(`${idx} IDX files are read exactly as their header says or refused with an IdxError`, () => {
    fc.assert(
      fc.property(idxFile, ({ kind, bytes }) => {
        tally.idx.tried++;
        try {
          if (kind === 'images') {
            const { images, count, rows, cols } = parseIdxImages(bytes, 'fuzzed');
            expect(images.length).toBe(count * rows * cols);
            expect(encodeIdxImages(images, count, rows, cols)).toEqual(bytes);
          } else {
            const { labels, count } = parseIdxLabels(bytes, 'fuzzed');
            expect(labels.length).toBe(count);
            expect(labels.every((l) => l <= 9)).toBe(true);
            expect(encodeIdxLabels(labels)).toEqual(bytes);
          }
          tally.idx.parsed++;
        } catch (error) {
          expect(error).toBeInstanceOf(IdxError);
          tally.idx.refused++;
        }
      }),
      fuzzParameters(idx),
    );
    reportFigure(`IDX headers: ${tally.idx.tried} tried, ${tally.idx.parsed} read, ${tally.idx.refused} refused with an IdxError, 0 crashes`);
  }, timeLimitFor(idx, 50));
});
