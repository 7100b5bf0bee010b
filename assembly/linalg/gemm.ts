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
// (v128.load64_splat), then does eight multiplies and eight adds: 16 multiply-adds for six
// loads, so the loop is bound by the floating-point units, not by memory. Eight independent
// accumulators cover the add latency. No fused multiply-add (the relaxed-SIMD proposal is
// not used): every product is rounded, then added — the same arithmetic in every runtime.
//
// Loop order: column panels of B (4 wide) outside, row blocks of A inside, so one panel of
// B (k rows × 32 bytes) stays in L1 while the rows of A stream through contiguously. For
// large m the panel is first packed into contiguous scratch memory, k in blocks of GEMM_KC
// (as in Goto & van de Geijn 2008, "Anatomy of high-performance matrix multiplication",
// here for B only: A's rows are already contiguous in row-major order).
// Edges (m or n not a multiple of 4) use 1×4, 4×2, 1×2 and scalar kernels.

/** Columns of C per micro-kernel tile. */
export const GEMM_NR = 4;
/** Rows of C per micro-kernel tile. */
export const GEMM_MR = 4;

/** Rows of B per packed panel: the k dimension is cut into blocks of at most this many. */
export const GEMM_KC = 256;
/**
 * Below this many rows of C, B is read where it lies: packing a panel costs about what 16
 * rows of A cost to stream past it, and it only pays where the panel's rows collide in L1
 * (measured: ~9 % faster LU at n = 512, no change at n = 100 … 500).
 */
export const GEMM_PACK_ROWS = 64;

/**
 * One 4-column panel of B, copied into contiguous static memory (GEMM_KC rows × 32 bytes)
 * before the micro-kernel sweeps the rows of A over it. Read in place, a panel's rows are
 * ldb·8 bytes apart, and when that is a multiple of a large power of two they all fall into
 * the same few L1 sets and evict each other; packed, the panel is 8 KiB in a row. Static
 * scratch memory, not an allocation: the engine is single-threaded and never re-enters.
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
  if (m < GEMM_PACK_ROWS) {
    gemmBlock(c, ldc, a, lda, b, ldb, m, n, k, false);
    return;
  }
  const sb = <usize>ldb << 3;
  for (let pc = 0; pc < k; pc += GEMM_KC) {
    gemmBlock(c, ldc, a + (<usize>pc << 3), lda, b + <usize>pc * sb, ldb, m, n, min(GEMM_KC, k - pc), true);
  }
}

/** C −= A·B for one block, with each full 4-column panel of B packed first (pack) or read in place. */
function gemmBlock(
  c: usize, ldc: i32, a: usize, lda: i32, b: usize, ldb: i32,
  m: i32, n: i32, k: i32, pack: bool,
): void {
  const sa = <usize>lda << 3;
  const sb = <usize>ldb << 3;
  const sc = <usize>ldc << 3;
  const m4 = m & ~3;
  const n4 = n & ~3;
  let j = 0;
  for (; j < n4; j += 4) {
    const bj = b + (<usize>j << 3);
    const cj = c + (<usize>j << 3);
    let i = 0;
    if (pack) {
      packPanel(bj, sb, k);
      for (; i < m4; i += 4) kernel4x4(cj + <usize>i * sc, sc, a + <usize>i * sa, sa, PACK, 32, k);
      for (; i < m; i++) kernel1x4(cj + <usize>i * sc, a + <usize>i * sa, PACK, 32, k);
    } else {
      for (; i < m4; i += 4) kernel4x4(cj + <usize>i * sc, sc, a + <usize>i * sa, sa, bj, sb, k);
      for (; i < m; i++) kernel1x4(cj + <usize>i * sc, a + <usize>i * sa, bj, sb, k);
    }
  }
  if (n - j >= 2) {
    const bj = b + (<usize>j << 3);
    const cj = c + (<usize>j << 3);
    let i = 0;
    for (; i < m4; i += 4) kernel4x2(cj + <usize>i * sc, sc, a + <usize>i * sa, sa, bj, sb, k);
    for (; i < m; i++) kernel1x2(cj + <usize>i * sc, a + <usize>i * sa, bj, sb, k);
    j += 2;
  }
  if (j < n) {
    const bj = b + (<usize>j << 3);
    const cj = c + (<usize>j << 3);
    for (let i = 0; i < m; i++) kernel1x1(cj + <usize>i * sc, a + <usize>i * sa, bj, sb, k);
  }
}

/** Copies k rows of a 4-column panel of B (row stride sb bytes) into PACK, 32 bytes a row. */
function packPanel(b: usize, sb: usize, k: i32): void {
  let src = b;
  const end = PACK + (<usize>k << 5);
  for (let dst = PACK; dst < end; dst += 32) {
    v128.store(dst, v128.load(src));
    v128.store(dst, v128.load(src, 16), 16);
    src += sb;
  }
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
