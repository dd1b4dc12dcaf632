/**
 * A QR code encoder (ISO/IEC 18004) for what CreateVirtualMFADevice needs: UTF-8 text in byte mode,
 * error correction level M, the smallest version that holds it (1 to 40), the mask with the lowest
 * penalty. Returns the modules row by row, true for dark, without a quiet zone.
 */

/** Error correction codewords per block and number of blocks, level M, versions 1 to 40. */
const ECC_PER_BLOCK = [
  10, 16, 26, 18, 24, 16, 18, 22, 22, 26, 30, 22, 22, 24, 24, 28, 28, 26, 26, 26, 26, 28, 28, 28,
  28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28,
];
const BLOCKS = [
  1, 1, 1, 2, 2, 4, 4, 4, 5, 5, 5, 8, 9, 9, 10, 10, 11, 13, 14, 16, 17, 17, 18, 20, 21, 23, 25, 26,
  28, 29, 31, 33, 35, 37, 38, 40, 43, 45, 47, 49,
];
/** Level M's two format bits. */
const LEVEL_M = 0;

/** Modules left for data and error correction once the function patterns are placed. */
function rawModules(v: number): number {
  let n = (16 * v + 128) * v + 64;
  if (v >= 2) {
    const align = Math.floor(v / 7) + 2;
    n -= (25 * align - 10) * align - 55;
    if (v >= 7) n -= 36;
  }
  return n;
}

const dataCodewords = (v: number) =>
  Math.floor(rawModules(v) / 8) - ECC_PER_BLOCK[v - 1]! * BLOCKS[v - 1]!;

/** Alignment pattern centres of version `v`, on each axis. */
function alignment(v: number, size: number): number[] {
  if (v === 1) return [];
  const count = Math.floor(v / 7) + 2;
  const step = v === 32 ? 26 : Math.ceil((v * 4 + 4) / (count * 2 - 2)) * 2;
  const out = [6];
  for (let p = size - 7; out.length < count; p -= step) out.splice(1, 0, p);
  return out;
}

// GF(2^8) with the polynomial x^8 + x^4 + x^3 + x^2 + 1 (0x11d).
const EXP = new Uint8Array(512);
const LOG = new Uint8Array(256);
for (let i = 0, x = 1; i < 255; i++, x = x & 0x80 ? ((x << 1) ^ 0x11d) & 0xff : x << 1) {
  EXP[i] = x;
  LOG[x] = i;
}
for (let i = 255; i < 512; i++) EXP[i] = EXP[i - 255]!;
const mul = (a: number, b: number) => (a && b ? EXP[LOG[a]! + LOG[b]!]! : 0);

/** Reed-Solomon error correction codewords of `data` (generator with roots 2^0 .. 2^(n-1)). */
function reedSolomon(data: Uint8Array, n: number): Uint8Array {
  let gen = [1];
  for (let i = 0; i < n; i++) {
    const next = new Array<number>(gen.length + 1).fill(0);
    gen.forEach((c, j) => {
      next[j] ^= c;
      next[j + 1] ^= mul(c, EXP[i]!);
    });
    gen = next;
  }
  const rem = new Uint8Array(n);
  for (const byte of data) {
    const factor = byte ^ rem[0]!;
    rem.copyWithin(0, 1);
    rem[n - 1] = 0;
    for (let j = 0; j < n; j++) rem[j] ^= mul(gen[j + 1]!, factor);
  }
  return rem;
}

/** The remainder of `value` (shifted left by the generator's degree) divided by `generator`. */
function bch(value: number, generator: number, degree: number): number {
  let r = value << degree;
  for (let bit = 31 - Math.clz32(r); bit >= degree; bit--) {
    if ((r >>> bit) & 1) r ^= generator << (bit - degree);
  }
  return (value << degree) | r;
}

const MASKS: Array<(x: number, y: number) => boolean> = [
  (x, y) => (x + y) % 2 === 0,
  (_x, y) => y % 2 === 0,
  (x) => x % 3 === 0,
  (x, y) => (x + y) % 3 === 0,
  (x, y) => (Math.floor(x / 3) + Math.floor(y / 2)) % 2 === 0,
  (x, y) => ((x * y) % 2) + ((x * y) % 3) === 0,
  (x, y) => (((x * y) % 2) + ((x * y) % 3)) % 2 === 0,
  (x, y) => (((x + y) % 2) + ((x * y) % 3)) % 2 === 0,
];

export interface Qr {
  version: number;
  mask: number;
  size: number;
  /** Rows of modules, true for dark. */
  modules: boolean[][];
}

/** `text` as a QR code; `mask` forces one of the eight masks (tests), otherwise the best. */
export function qrEncode(text: string, mask?: number): Qr {
  const bytes = new TextEncoder().encode(text);
  let version = 1;
  const bitsNeeded = (v: number) => 4 + (v <= 9 ? 8 : 16) + bytes.length * 8;
  while (bitsNeeded(version) > dataCodewords(version) * 8) {
    if (++version > 40) throw new RangeError('Text too long for a QR code');
  }
  const capacity = dataCodewords(version);

  // The data codewords: byte mode, the count, the bytes, a terminator, then pad bytes.
  const data = new Uint8Array(capacity);
  let bit = 0;
  const put = (value: number, length: number) => {
    for (let i = length - 1; i >= 0; i--, bit++) {
      if ((value >>> i) & 1) data[bit >> 3]! |= 0x80 >> (bit & 7);
    }
  };
  put(0b0100, 4);
  put(bytes.length, version <= 9 ? 8 : 16);
  for (const b of bytes) put(b, 8);
  bit = Math.min(bit + 4, capacity * 8);
  for (let i = Math.ceil(bit / 8), pad = 0xec; i < capacity; i++, pad ^= 0xec ^ 0x11) data[i] = pad;

  // Split into blocks (the short ones first), add each block's correction, interleave.
  const blocks = BLOCKS[version - 1]!;
  const eccLength = ECC_PER_BLOCK[version - 1]!;
  const short = Math.floor(capacity / blocks);
  const longCount = capacity % blocks;
  const dataBlocks: Uint8Array[] = [];
  for (let b = 0, at = 0; b < blocks; b++) {
    const length = short + (b >= blocks - longCount ? 1 : 0);
    dataBlocks.push(data.subarray(at, at + length));
    at += length;
  }
  const eccBlocks = dataBlocks.map((d) => reedSolomon(d, eccLength));
  const codewords: number[] = [];
  for (let i = 0; i <= short; i++)
    for (const d of dataBlocks) if (i < d.length) codewords.push(d[i]!);
  for (let i = 0; i < eccLength; i++) for (const e of eccBlocks) codewords.push(e[i]!);

  // Function patterns: finders with their separators, timing, alignment, version information, and
  // the format areas (reserved here, written per mask).
  const size = version * 4 + 17;
  const grid = Array.from({ length: size }, () => new Array<boolean>(size).fill(false));
  const fixed = Array.from({ length: size }, () => new Array<boolean>(size).fill(false));
  const set = (x: number, y: number, dark: boolean) => {
    if (x < 0 || y < 0 || x >= size || y >= size) return;
    grid[y]![x] = dark;
    fixed[y]![x] = true;
  };
  for (let i = 0; i < size; i++) {
    set(6, i, i % 2 === 0);
    set(i, 6, i % 2 === 0);
  }
  for (const [cx, cy] of [
    [3, 3],
    [size - 4, 3],
    [3, size - 4],
  ] as const) {
    for (let dy = -4; dy <= 4; dy++) {
      for (let dx = -4; dx <= 4; dx++) {
        const d = Math.max(Math.abs(dx), Math.abs(dy));
        set(cx + dx, cy + dy, d !== 2 && d !== 4);
      }
    }
  }
  const centres = alignment(version, size);
  const last = centres.length - 1;
  centres.forEach((cy, j) => {
    centres.forEach((cx, i) => {
      if ((i === 0 && j === 0) || (i === 0 && j === last) || (i === last && j === 0)) return;
      for (let dy = -2; dy <= 2; dy++) {
        for (let dx = -2; dx <= 2; dx++)
          set(cx + dx, cy + dy, Math.max(Math.abs(dx), Math.abs(dy)) !== 1);
      }
    });
  });
  if (version >= 7) {
    const info = bch(version, 0x1f25, 12);
    for (let i = 0; i < 18; i++) {
      const dark = ((info >>> i) & 1) === 1;
      const a = size - 11 + (i % 3);
      const b = Math.floor(i / 3);
      set(a, b, dark);
      set(b, a, dark);
    }
  }
  const format = (m: number) => {
    const info = bch((LEVEL_M << 3) | m, 0x537, 10) ^ 0x5412;
    const on = (i: number) => ((info >>> i) & 1) === 1;
    for (let i = 0; i <= 5; i++) set(8, i, on(i));
    set(8, 7, on(6));
    set(8, 8, on(7));
    set(7, 8, on(8));
    for (let i = 9; i < 15; i++) set(14 - i, 8, on(i));
    for (let i = 0; i < 8; i++) set(size - 1 - i, 8, on(i));
    for (let i = 8; i < 15; i++) set(8, size - 15 + i, on(i));
    set(8, size - 8, true);
  };
  format(0);

  // The codewords in two-module columns, right to left, zigzagging up and down.
  let i = 0;
  for (let right = size - 1; right >= 1; right -= 2) {
    if (right === 6) right = 5;
    const upward = ((right + 1) & 2) === 0;
    for (let v = 0; v < size; v++) {
      const y = upward ? size - 1 - v : v;
      for (let j = 0; j < 2; j++) {
        const x = right - j;
        if (fixed[y]![x]) continue;
        if (i < codewords.length * 8)
          grid[y]![x] = ((codewords[i >> 3]! >>> (7 - (i & 7))) & 1) === 1;
        i++;
      }
    }
  }

  const masked = (m: number) => {
    format(m);
    return grid.map((row, y) =>
      row.map((dark, x) => (fixed[y]![x] ? dark : dark !== MASKS[m]!(x, y))),
    );
  };
  let best = mask ?? 0;
  if (mask === undefined) {
    let lowest = Infinity;
    for (let m = 0; m < 8; m++) {
      const score = penalty(masked(m));
      if (score < lowest) [lowest, best] = [score, m];
    }
  }
  return { version, mask: best, size, modules: masked(best) };
}

/**
 * ISO/IEC 18004's penalty of a masked symbol: runs of five or more modules of one colour (3, plus 1
 * per module past five), 2x2 blocks of one colour (3 each), finder-like 1:1:3:1:1 patterns with
 * four light modules' worth on a side (40 each side; outside the symbol counts as light), and each
 * whole 5% step by which the dark share strays from half, a step just reached not counted (10).
 */
export function penalty(m: boolean[][]): number {
  const size = m.length;
  let score = 0;
  const line = (get: (i: number) => boolean) => {
    // Runs of the line with `size` light modules of quiet zone at each end.
    const runs: number[] = [size];
    let colour = false;
    for (let i = 0; i < size; i++) {
      const dark = get(i);
      if (dark === colour) runs[runs.length - 1]!++;
      else {
        runs.push(1);
        colour = dark;
      }
    }
    if (colour) runs.push(size);
    else runs[runs.length - 1]! += size;
    for (let r = 0; r < runs.length; r++) {
      const length = runs[r]! - (r === 0 || r === runs.length - 1 ? size : 0);
      if (length >= 5) score += 3 + length - 5;
    }
    // Dark runs are the odd ones: before[1:1:3:1:1]after.
    for (let r = 1; r + 5 < runs.length; r += 2) {
      const n = runs[r]!;
      const core =
        runs[r + 1] === n && runs[r + 2] === 3 * n && runs[r + 3] === n && runs[r + 4] === n;
      if (!core) continue;
      const before = runs[r - 1]!;
      const after = runs[r + 5]!;
      if (before >= 4 * n && after >= n) score += 40;
      if (after >= 4 * n && before >= n) score += 40;
    }
  };
  for (let y = 0; y < size; y++) line((x) => m[y]![x]!);
  for (let x = 0; x < size; x++) line((y) => m[y]![x]!);
  let dark = 0;
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      if (m[y]![x]) dark++;
      const c = m[y]![x];
      if (
        x + 1 < size &&
        y + 1 < size &&
        m[y]![x + 1] === c &&
        m[y + 1]![x] === c &&
        m[y + 1]![x + 1] === c
      ) {
        score += 3;
      }
    }
  }
  const total = size * size;
  score += (Math.ceil(Math.abs(dark * 20 - total * 10) / total) - 1) * 10;
  return score;
}
