// Dense matrix multiply-subtract, C −= A·B, on row-major matrices in linear memory: the
// Schur-complement update of the recursive LU (lu.ts) and of the blocked triangular solves
// (triangular.ts) spend nearly all their time here.
//
// Element (i, j) of a row-major matrix X with leading dimension ldx lives at
// X + 8·(i·ldx + j). A row of C is contiguous, so an f64x2 holds two neighbouring columns.
//
// The register-blocked micro-kernel computes a 4×4 tile of C: eight f64x2 accumulators
// (four rows × two column pairs) that stay in registers through the whole k loop. Each step
// of k loads one row segment of B (two f64x2) and splats four entries of A
// (v128.load64_splat), then does eight multiplies and eight adds: 32 flops for six loads,
// which V8 (x64) compiles to a loop of 28 instructions with no spills. Eight independent
// accumulators cover the add latency. No fused multiply-add (the relaxed-SIMD proposal is
// not used): every product is rounded, then added — the same arithmetic in every runtime.
// Why not larger: without FMA each product needs a register of its own, and a 4×6 or 6×4
// tile needs more than the 15 vector registers V8 allocates (measured slower); unrolling
// the k loop makes V8 issue both steps' loads first and spill accumulators (30 % slower).

// Loop order (Goto & van de Geijn 2008, "Anatomy of high-performance matrix multiplication",
// reduced to what fits this kernel): k in blocks of GEMM_KC; for each block of four rows of
// A, the block is packed (PACK below), then swept over every 4-column panel of B, read in
// place, a row of 32 bytes at a time. Edges (m or n not a multiple of 4) use 4×2, 4×1, 1×4,
// 1×2 and scalar kernels; C narrower than GEMM_PACK_COLS reads A in place.

/** Rows of A per packed block: the k dimension is cut into blocks of at most this many. */
export const GEMM_KC = 256;
/** From this many columns of C on, each block of four rows of A is packed (see PACK). */
export const GEMM_PACK_COLS = 12;

/**
 * Four rows of A (GEMM_KC columns), interleaved: the four entries of column p at
 * PACK + 32·p. The micro-kernel then reads A through one pointer with constant offsets
 * (v128.load64_splat(ap, 0 | 8 | 16 | 24)) instead of four row pointers: fewer
 * instructions per step and no spilled addresses in V8's code, about 25 % faster than
 * reading A in place (measured at 96³ and 192³). The block is packed once and used by every
 * 4-column panel of B, so packing costs 1/(n/4) of the loads. Static scratch memory, not an
 * allocation: the engine is single-threaded and gemmSub never re-enters.
 */
const PACK: usize = memory.data(GEMM_KC * 32, 16);

/**
 * C −= A·B with C m×n (ldc), A m×k (lda), B k×n (ldb), all row-major. The products of each
 * entry are summed in order of k (in blocks of GEMM_KC) into a fresh accumulator, which is
 * then subtracted from C.
 */
export function gemmSub(
  c: usize, ldc: i32, a: usize, lda: i32, b: usize, ldb: i32,
  m: i32, n: i32, k: i32,
): void {
  if (m <= 0 || n <= 0 || k <= 0) return;
  const sa = <usize>lda << 3;
  const sb = <usize>ldb << 3;
  const sc = <usize>ldc << 3;
  const m4 = m & ~3;
  if (n >= GEMM_PACK_COLS) {
    for (let pc = 0; pc < k; pc += GEMM_KC) {
      const kc = min(GEMM_KC, k - pc);
      const ak = a + (<usize>pc << 3);
      const bk = b + <usize>pc * sb;
      for (let i = 0; i < m4; i += 4) {
        packRows(ak + <usize>i * sa, sa, kc);
        rowsPacked(c + <usize>i * sc, sc, bk, sb, n, kc);
      }
    }
  } else {
    for (let i = 0; i < m4; i += 4) rowsInPlace(c + <usize>i * sc, sc, a + <usize>i * sa, sa, b, sb, n, k);
  }
  for (let i = m4; i < m; i++) oneRow(c + <usize>i * sc, a + <usize>i * sa, b, sb, n, k);
}

/** Copies k columns of four rows of A (row stride sa bytes) into PACK, interleaved. */
function packRows(a: usize, sa: usize, k: i32): void {
  const a1 = a + sa, a2 = a1 + sa, a3 = a2 + sa;
  const end = <usize>(k & ~1) << 3;
  let p: usize = 0;
  let d = PACK;
  // Two columns at a time: one f64x2 from each row, transposed in pairs.
  for (; p < end; p += 16) {
    const r0 = v128.load(a + p), r1 = v128.load(a1 + p), r2 = v128.load(a2 + p), r3 = v128.load(a3 + p);
    v128.store(d, v128.shuffle<f64>(r0, r1, 0, 2));
    v128.store(d, v128.shuffle<f64>(r2, r3, 0, 2), 16);
    v128.store(d, v128.shuffle<f64>(r0, r1, 1, 3), 32);
    v128.store(d, v128.shuffle<f64>(r2, r3, 1, 3), 48);
    d += 64;
  }
  if (k & 1) {
    store<f64>(d, load<f64>(a + p));
    store<f64>(d, load<f64>(a1 + p), 8);
    store<f64>(d, load<f64>(a2 + p), 16);
    store<f64>(d, load<f64>(a3 + p), 24);
  }
}

/** Four rows of C (at c, stride sc) −= the packed rows of A · B (k×n, row stride sb). */
function rowsPacked(c: usize, sc: usize, b: usize, sb: usize, n: i32, k: i32): void {
  const n4 = n & ~3;
  let j = 0;
  for (; j < n4; j += 4) kernel4x4p(c + (<usize>j << 3), sc, b + (<usize>j << 3), sb, k);
  if (n - j >= 2) {
    kernel4x2p(c + (<usize>j << 3), sc, b + (<usize>j << 3), sb, k);
    j += 2;
  }
  if (j < n) kernel4x1p(c + (<usize>j << 3), sc, b + (<usize>j << 3), sb, k);
}

/** Four rows of C −= four rows of A (read in place, row stride sa) · B: for narrow C, where packing would not pay. */
function rowsInPlace(c: usize, sc: usize, a: usize, sa: usize, b: usize, sb: usize, n: i32, k: i32): void {
  const n4 = n & ~3;
  let j = 0;
  for (; j < n4; j += 4) kernel4x4(c + (<usize>j << 3), sc, a, sa, b + (<usize>j << 3), sb, k);
  if (n - j >= 2) {
    kernel4x2(c + (<usize>j << 3), sc, a, sa, b + (<usize>j << 3), sb, k);
    j += 2;
  }
  for (; j < n; j++) {
    for (let r = 0; r < 4; r++) kernel1x1(c + <usize>r * sc + (<usize>j << 3), a + <usize>r * sa, b + (<usize>j << 3), sb, k);
  }
}

/** One row of C −= one row of A · B: the rows left below the last block of four. */
function oneRow(c: usize, a: usize, b: usize, sb: usize, n: i32, k: i32): void {
  const n4 = n & ~3;
  let j = 0;
  for (; j < n4; j += 4) kernel1x4(c + (<usize>j << 3), a, b + (<usize>j << 3), sb, k);
  if (n - j >= 2) {
    kernel1x2(c + (<usize>j << 3), a, b + (<usize>j << 3), sb, k);
    j += 2;
  }
  if (j < n) kernel1x1(c + (<usize>j << 3), a, b + (<usize>j << 3), sb, k);
}

// @ts-ignore: decorator
@inline function kernel4x4p(c: usize, sc: usize, b: usize, sb: usize, k: i32): void {
  let c00 = f64x2.splat(0.0), c01 = f64x2.splat(0.0);
  let c10 = f64x2.splat(0.0), c11 = f64x2.splat(0.0);
  let c20 = f64x2.splat(0.0), c21 = f64x2.splat(0.0);
  let c30 = f64x2.splat(0.0), c31 = f64x2.splat(0.0);
  let bp = b;
  const end = PACK + (<usize>k << 5);
  for (let ap = PACK; ap < end; ap += 32) {
    const b0 = v128.load(bp);
    const b1 = v128.load(bp, 16);
    bp += sb;
    const x0 = v128.load64_splat(ap);
    c00 = f64x2.add(c00, f64x2.mul(x0, b0));
    c01 = f64x2.add(c01, f64x2.mul(x0, b1));
    const x1 = v128.load64_splat(ap, 8);
    c10 = f64x2.add(c10, f64x2.mul(x1, b0));
    c11 = f64x2.add(c11, f64x2.mul(x1, b1));
    const x2 = v128.load64_splat(ap, 16);
    c20 = f64x2.add(c20, f64x2.mul(x2, b0));
    c21 = f64x2.add(c21, f64x2.mul(x2, b1));
    const x3 = v128.load64_splat(ap, 24);
    c30 = f64x2.add(c30, f64x2.mul(x3, b0));
    c31 = f64x2.add(c31, f64x2.mul(x3, b1));
  }
  let r = c;
  v128.store(r, f64x2.sub(v128.load(r), c00));
  v128.store(r, f64x2.sub(v128.load(r, 16), c01), 16);
  r += sc;
  v128.store(r, f64x2.sub(v128.load(r), c10));
  v128.store(r, f64x2.sub(v128.load(r, 16), c11), 16);
  r += sc;
  v128.store(r, f64x2.sub(v128.load(r), c20));
  v128.store(r, f64x2.sub(v128.load(r, 16), c21), 16);
  r += sc;
  v128.store(r, f64x2.sub(v128.load(r), c30));
  v128.store(r, f64x2.sub(v128.load(r, 16), c31), 16);
}

// @ts-ignore: decorator
@inline function kernel4x2p(c: usize, sc: usize, b: usize, sb: usize, k: i32): void {
  let c0 = f64x2.splat(0.0), c1 = f64x2.splat(0.0), c2 = f64x2.splat(0.0), c3 = f64x2.splat(0.0);
  let bp = b;
  const end = PACK + (<usize>k << 5);
  for (let ap = PACK; ap < end; ap += 32) {
    const b0 = v128.load(bp);
    bp += sb;
    c0 = f64x2.add(c0, f64x2.mul(v128.load64_splat(ap), b0));
    c1 = f64x2.add(c1, f64x2.mul(v128.load64_splat(ap, 8), b0));
    c2 = f64x2.add(c2, f64x2.mul(v128.load64_splat(ap, 16), b0));
    c3 = f64x2.add(c3, f64x2.mul(v128.load64_splat(ap, 24), b0));
  }
  let r = c;
  v128.store(r, f64x2.sub(v128.load(r), c0));
  r += sc;
  v128.store(r, f64x2.sub(v128.load(r), c1));
  r += sc;
  v128.store(r, f64x2.sub(v128.load(r), c2));
  r += sc;
  v128.store(r, f64x2.sub(v128.load(r), c3));
}

/** One column of four rows: the packed column of A (two f64x2) times one entry of B. */
// @ts-ignore: decorator
@inline function kernel4x1p(c: usize, sc: usize, b: usize, sb: usize, k: i32): void {
  let c01 = f64x2.splat(0.0), c23 = f64x2.splat(0.0);
  let bp = b;
  const end = PACK + (<usize>k << 5);
  for (let ap = PACK; ap < end; ap += 32) {
    const x = v128.load64_splat(bp);
    bp += sb;
    c01 = f64x2.add(c01, f64x2.mul(v128.load(ap), x));
    c23 = f64x2.add(c23, f64x2.mul(v128.load(ap, 16), x));
  }
  let r = c;
  store<f64>(r, load<f64>(r) - f64x2.extract_lane(c01, 0));
  r += sc;
  store<f64>(r, load<f64>(r) - f64x2.extract_lane(c01, 1));
  r += sc;
  store<f64>(r, load<f64>(r) - f64x2.extract_lane(c23, 0));
  r += sc;
  store<f64>(r, load<f64>(r) - f64x2.extract_lane(c23, 1));
}

// @ts-ignore: decorator
@inline function kernel4x4(c: usize, sc: usize, a: usize, sa: usize, b: usize, sb: usize, k: i32): void {
  let c00 = f64x2.splat(0.0), c01 = f64x2.splat(0.0);
  let c10 = f64x2.splat(0.0), c11 = f64x2.splat(0.0);
  let c20 = f64x2.splat(0.0), c21 = f64x2.splat(0.0);
  let c30 = f64x2.splat(0.0), c31 = f64x2.splat(0.0);
  const a1 = a + sa, a2 = a1 + sa, a3 = a2 + sa;
  let bp = b;
  const end = <usize>k << 3;
  for (let p: usize = 0; p < end; p += 8) {
    const b0 = v128.load(bp);
    const b1 = v128.load(bp, 16);
    bp += sb;
    const x0 = v128.load64_splat(a + p);
    c00 = f64x2.add(c00, f64x2.mul(x0, b0));
    c01 = f64x2.add(c01, f64x2.mul(x0, b1));
    const x1 = v128.load64_splat(a1 + p);
    c10 = f64x2.add(c10, f64x2.mul(x1, b0));
    c11 = f64x2.add(c11, f64x2.mul(x1, b1));
    const x2 = v128.load64_splat(a2 + p);
    c20 = f64x2.add(c20, f64x2.mul(x2, b0));
    c21 = f64x2.add(c21, f64x2.mul(x2, b1));
    const x3 = v128.load64_splat(a3 + p);
    c30 = f64x2.add(c30, f64x2.mul(x3, b0));
    c31 = f64x2.add(c31, f64x2.mul(x3, b1));
  }
  let r = c;
  v128.store(r, f64x2.sub(v128.load(r), c00));
  v128.store(r, f64x2.sub(v128.load(r, 16), c01), 16);
  r += sc;
  v128.store(r, f64x2.sub(v128.load(r), c10));
  v128.store(r, f64x2.sub(v128.load(r, 16), c11), 16);
  r += sc;
  v128.store(r, f64x2.sub(v128.load(r), c20));
  v128.store(r, f64x2.sub(v128.load(r, 16), c21), 16);
  r += sc;
  v128.store(r, f64x2.sub(v128.load(r), c30));
  v128.store(r, f64x2.sub(v128.load(r, 16), c31), 16);
}

// @ts-ignore: decorator
@inline function kernel1x4(c: usize, a: usize, b: usize, sb: usize, k: i32): void {
  let c0 = f64x2.splat(0.0), c1 = f64x2.splat(0.0);
  let bp = b;
  const end = <usize>k << 3;
  for (let p: usize = 0; p < end; p += 8) {
    const x = v128.load64_splat(a + p);
    c0 = f64x2.add(c0, f64x2.mul(x, v128.load(bp)));
    c1 = f64x2.add(c1, f64x2.mul(x, v128.load(bp, 16)));
    bp += sb;
  }
  v128.store(c, f64x2.sub(v128.load(c), c0));
  v128.store(c, f64x2.sub(v128.load(c, 16), c1), 16);
}

// @ts-ignore: decorator
@inline function kernel4x2(c: usize, sc: usize, a: usize, sa: usize, b: usize, sb: usize, k: i32): void {
  let c0 = f64x2.splat(0.0), c1 = f64x2.splat(0.0), c2 = f64x2.splat(0.0), c3 = f64x2.splat(0.0);
  const a1 = a + sa, a2 = a1 + sa, a3 = a2 + sa;
  let bp = b;
  const end = <usize>k << 3;
  for (let p: usize = 0; p < end; p += 8) {
    const b0 = v128.load(bp);
    bp += sb;
    c0 = f64x2.add(c0, f64x2.mul(v128.load64_splat(a + p), b0));
    c1 = f64x2.add(c1, f64x2.mul(v128.load64_splat(a1 + p), b0));
    c2 = f64x2.add(c2, f64x2.mul(v128.load64_splat(a2 + p), b0));
    c3 = f64x2.add(c3, f64x2.mul(v128.load64_splat(a3 + p), b0));
  }
  let r = c;
  v128.store(r, f64x2.sub(v128.load(r), c0));
  r += sc;
  v128.store(r, f64x2.sub(v128.load(r), c1));
  r += sc;
  v128.store(r, f64x2.sub(v128.load(r), c2));
  r += sc;
  v128.store(r, f64x2.sub(v128.load(r), c3));
}

// @ts-ignore: decorator
@inline function kernel1x2(c: usize, a: usize, b: usize, sb: usize, k: i32): void {
  let c0 = f64x2.splat(0.0);
  let bp = b;
  const end = <usize>k << 3;
  for (let p: usize = 0; p < end; p += 8) {
    c0 = f64x2.add(c0, f64x2.mul(v128.load64_splat(a + p), v128.load(bp)));
    bp += sb;
  }
  v128.store(c, f64x2.sub(v128.load(c), c0));
}

// @ts-ignore: decorator
@inline function kernel1x1(c: usize, a: usize, b: usize, sb: usize, k: i32): void {
  let s = 0.0;
  let bp = b;
  const end = <usize>k << 3;
  for (let p: usize = 0; p < end; p += 8) {
    s += load<f64>(a + p) * load<f64>(bp);
    bp += sb;
  }
  store<f64>(c, load<f64>(c) - s);
}
