// e^x for one f64 and for two (f64x2), one algorithm for both: see lanes.ts.
//
// Tang's table-driven method (P. T. P. Tang, "Table-driven implementation of the exponential
// function in IEEE floating-point arithmetic", ACM TOMS 15(2), 1989), in the arrangement of
// the ARM optimized-routines exp that musl uses since 1.2: x = (128k + i)·ln2/128 + r with
// |r| ≤ ln2/256, ln2/128 split into a 36-bit head (the product with 128k + i is exact) and a
// tail; e^x = 2^k·2^(i/128)·e^r. A table holds 2^(i/128) as a double s_i and the relative
// error of that double, t_i = (2^(i/128) − s_i)/s_i (both computed in 200-bit arithmetic and
// rounded); e^r − 1 is its Taylor polynomial of degree 5 (the first neglected term, r^6/720,
// is below 2^-60 here). Then e^x = S + S·(t_i + r + r²/2 + … + r^5/120) with S = 2^k·s_i,
// built by adding (128k + i) << 45 to the bits of s_i − which the table stores less i << 45.
// The error is about half an ulp (at most 0.62 in tests against 200-bit values). 128k + i
// comes from rounding x·128/ln2 by adding 1.5·2^52: the sum's low mantissa bits are 128k + i
// itself (no conversion, no branch).
//
// Outside |x| < 708 (overflow above 709.78, results below the normal range under −708.4,
// infinities, NaN) each value goes to the runtime library's Math.exp instead, decided per
// value by the same comparison in both forms.

import { add, sub, mul, div, neg, ld, bitsAddShifted } from './lanes';

// Indices into the constant table below.
const INV_LN2N = 0;
const LN2N_HI = 1;
const LN2N_LO = 2;
const C2 = 3;
const C3 = 4;
const C4 = 5;
const C5 = 6;
const SHIFT = 7;
const ONE = 8;
const BOUND = 9;

const TABLE = memory.data<f64>([
  184.6649652337873, // 128/ln2
  0.005415212348111709, // 0x3f762e42fefa0000: ln2/128 to 36 bits
  1.2864023111638346e-14, // 0x3d0cf79abc9e3b3a: ln2/128 − the above
  0.5, // 1/2!, 1/3!, 1/4!, 1/5!
  0.16666666666666666,
  0.041666666666666664,
  0.008333333333333333,
  6755399441055744.0, // 1.5·2^52: adding it rounds to an integer, left in the low mantissa bits
  1.0,
  708.0, // below this |x| the result and S are normal numbers
]);

/** t_i = (2^(i/128) − s_i)/s_i, i = 0…127. */
const TAILS = memory.data<f64>([
  0.0, 9.447885451727066e-17, -1.507066976926039e-17, -5.679155082825012e-17,
  4.9997448722726326e-17, -4.823683599994895e-17, 7.357846871247418e-18, 5.773230223741951e-17,
  8.189317638195515e-17, 5.326891139980878e-17, 1.6665881442326747e-18, -1.128113245461828e-17,
  -7.402825309426177e-17, -3.578659767309563e-18, -6.170654745608695e-17, 2.919139999949279e-17,
  -2.7939114859515733e-17, -5.399285355184285e-17, 4.776959425256223e-17, -7.927701432338473e-17,
  9.341710609905046e-17, -5.534520675707472e-17, 4.585670326662351e-17, 2.8582430411116143e-17,
  7.826573258636076e-17, 4.053626906769216e-17, 2.823784425951061e-17, -7.882802262487991e-17,
  3.2904726646008416e-17, -1.5792094703347882e-18, 4.721368121170128e-17, 1.3045277096919659e-17,
  3.3484623336251524e-17, 3.8611199774925664e-17, 5.527550048505249e-17, -3.927184172445234e-17,
  -6.346552106729483e-17, -8.684417614865944e-17, -1.5456342819397733e-17, -8.70763476495455e-17,
  3.750854201303127e-17, -6.616854503526488e-17, -5.346099009198751e-18, -2.443726321015018e-17,
  2.1023049675215714e-18, 7.771067937501065e-17, 1.3357510088834541e-17, 6.938291696959204e-17,
  1.9572585293112036e-17, 6.632256961675804e-17, -5.478069123926778e-17, -4.140839310392624e-17,
  -2.1571477251208752e-17, -3.8287766552120535e-17, 6.663804589232195e-17, 2.3936187400285282e-17,
  5.68648095791174e-17, 1.1264523354521684e-18, 7.007875046906994e-17, -5.0119214278381254e-17,
  -4.8923067513522756e-17, -3.5260089953269434e-17, -6.872303720902018e-17, 5.001446664133532e-18,
  -6.835808657661922e-17, -1.1307344092910212e-17, -8.416011634717156e-18, -2.9247977035436566e-17,
  -2.092304381843353e-17, -3.9778645875427124e-17, -3.833464968654295e-17, 5.763611164480894e-17,
  -2.3591094770850053e-17, 7.260074661098575e-17, 9.50689710108796e-18, -4.272956133839906e-17,
  -6.735219232374683e-17, -2.8396044410430936e-17, -7.226635472101257e-17, 5.786121003395918e-17,
  5.1548301170786783e-17, -9.416257568878152e-18, 2.4253985766689806e-17, -6.604314051707707e-17,
  -6.432131775424189e-18, -1.2204007601863921e-17, -6.336161863401293e-17, -3.7800879246373815e-17,
  1.5341410053603723e-17, 1.2932855580427452e-17, -4.123367330661149e-17, 4.703083974463456e-17,
  -6.152602891550265e-17, 5.827849326195279e-17, 3.540948262646183e-17, -3.2741571320938764e-17,
  4.875160526227062e-17, -5.718569790077838e-17, -4.719539664590972e-18, -5.773451958805706e-17,
  -1.0772487078934056e-17, -6.221808618533911e-17, 1.821405440362259e-17, -6.155536546227639e-17,
  1.685487290628973e-17, 5.3581249177694816e-17, 3.621615935336894e-17, 8.588379527574144e-18,
  1.01562190116415e-17, -2.869134889187244e-17, -5.495118966122005e-17, -5.56965572431627e-17,
  1.790126907604513e-17, -3.2211766346200164e-17, 5.265370768556274e-17, 3.5089866402403033e-17,
  -3.266924100901318e-17, -4.3657593008079375e-17, 1.7963932659833022e-17, 3.4300925275214166e-17,
  -5.545065618639427e-17, -5.149009745457733e-17, 5.336805878514151e-17, 3.498978661192973e-17,
  4.5784915277060095e-17, -5.241934575393899e-17, 2.0414278897578303e-17, 4.124842848606488e-18
]);

/** The bits of s_i = 2^(i/128) (rounded to nearest) minus i << 45, i = 0…127. */
const SCALES = memory.data<i64>([
  0x3ff0000000000000, 0x3feff63da9fb3335, 0x3fefec9a3e778061, 0x3fefe315e86e7f85,
  0x3fefd9b0d3158574, 0x3fefd06b29ddf6de, 0x3fefc74518759bc8, 0x3fefbe3ecac6f383,
  0x3fefb5586cf9890f, 0x3fefac922b7247f7, 0x3fefa3ec32d3d1a2, 0x3fef9b66affed31b,
  0x3fef9301d0125b51, 0x3fef8abdc06c31cc, 0x3fef829aaea92de0, 0x3fef7a98c8a58e51,
  0x3fef72b83c7d517b, 0x3fef6af9388c8dea, 0x3fef635beb6fcb75, 0x3fef5be084045cd4,
  0x3fef54873168b9aa, 0x3fef4d5022fcd91d, 0x3fef463b88628cd6, 0x3fef3f49917ddc96,
  0x3fef387a6e756238, 0x3fef31ce4fb2a63f, 0x3fef2b4565e27cdd, 0x3fef24dfe1f56381,
  0x3fef1e9df51fdee1, 0x3fef187fd0dad990, 0x3fef1285a6e4030b, 0x3fef0cafa93e2f56,
  0x3fef06fe0a31b715, 0x3fef0170fc4cd831, 0x3feefc08b26416ff, 0x3feef6c55f929ff1,
  0x3feef1a7373aa9cb, 0x3feeecae6d05d866, 0x3feee7db34e59ff7, 0x3feee32dc313a8e5,
  0x3feedea64c123422, 0x3feeda4504ac801c, 0x3feed60a21f72e2a, 0x3feed1f5d950a897,
  0x3feece086061892d, 0x3feeca41ed1d0057, 0x3feec6a2b5c13cd0, 0x3feec32af0d7d3de,
  0x3feebfdad5362a27, 0x3feebcb299fddd0d, 0x3feeb9b2769d2ca7, 0x3feeb6daa2cf6642,
  0x3feeb42b569d4f82, 0x3feeb1a4ca5d920f, 0x3feeaf4736b527da, 0x3feead12d497c7fd,
  0x3feeab07dd485429, 0x3feea9268a5946b7, 0x3feea76f15ad2148, 0x3feea5e1b976dc09,
  0x3feea47eb03a5585, 0x3feea34634ccc320, 0x3feea23882552225, 0x3feea155d44ca973,
  0x3feea09e667f3bcd, 0x3feea012750bdabf, 0x3fee9fb23c651a2f, 0x3fee9f7df9519484,
  0x3fee9f75e8ec5f74, 0x3fee9f9a48a58174, 0x3fee9feb564267c9, 0x3feea0694fde5d3f,
  0x3feea11473eb0187, 0x3feea1ed0130c132, 0x3feea2f336cf4e62, 0x3feea427543e1a12,
  0x3feea589994cce13, 0x3feea71a4623c7ad, 0x3feea8d99b4492ed, 0x3feeaac7d98a6699,
  0x3feeace5422aa0db, 0x3feeaf3216b5448c, 0x3feeb1ae99157736, 0x3feeb45b0b91ffc6,
  0x3feeb737b0cdc5e5, 0x3feeba44cbc8520f, 0x3feebd829fde4e50, 0x3feec0f170ca07ba,
  0x3feec49182a3f090, 0x3feec86319e32323, 0x3feecc667b5de565, 0x3feed09bec4a2d33,
  0x3feed503b23e255d, 0x3feed99e1330b358, 0x3feede6b5579fdbf, 0x3feee36bbfd3f37a,
  0x3feee89f995ad3ad, 0x3feeee07298db666, 0x3feef3a2b84f15fb, 0x3feef9728de5593a,
  0x3feeff76f2fb5e47, 0x3fef05b030a1064a, 0x3fef0c1e904bc1d2, 0x3fef12c25bd71e09,
  0x3fef199bdd85529c, 0x3fef20ab5fffd07a, 0x3fef27f12e57d14b, 0x3fef2f6d9406e7b5,
  0x3fef3720dcef9069, 0x3fef3f0b555dc3fa, 0x3fef472d4a07897c, 0x3fef4f87080d89f2,
  0x3fef5818dcfba487, 0x3fef60e316c98398, 0x3fef69e603db3285, 0x3fef7321f301b460,
  0x3fef7c97337b9b5f, 0x3fef864614f5a129, 0x3fef902ee78b3ff6, 0x3fef9a51fbc74c83,
  0x3fefa4afa2a490da, 0x3fefaf482d8e67f1, 0x3fefba1bee615a27, 0x3fefc52b376bba97,
  0x3fefd0765b6e4540, 0x3fefdbfdad9cbe14, 0x3fefe7c1819e90d8, 0x3feff3c22b8f71f1
]);

/** Table entry i, as T. */
// @ts-ignore: decorator
@inline function c<T>(i: i32): T {
  return ld<T>(TABLE + (<usize>i << 3));
}

/** The f64 at table[j] for j = the low 7 bits of each lane of t (one load per lane). */
// @ts-ignore: decorator
@inline function lookup<T>(table: usize, t: T): T {
  if (isVector<T>()) {
    const j0 = <usize>(<u32>i64x2.extract_lane(<v128>t, 0) & 127) << 3;
    const j1 = <usize>(<u32>i64x2.extract_lane(<v128>t, 1) & 127) << 3;
    return <T>v128.load64_lane(table + j1, v128.load64_zero(table + j0), 1);
  } else {
    return <T>load<f64>(table + (<usize>(<u32>reinterpret<i64>(<f64>t) & 127) << 3));
  }
}

// @ts-ignore: decorator
@inline function expCore<T>(x: T): T {
  const t = add<T>(mul<T>(x, c<T>(INV_LN2N)), c<T>(SHIFT));
  const kd = sub<T>(t, c<T>(SHIFT)); // 128k + i
  const r = sub<T>(sub<T>(x, mul<T>(kd, c<T>(LN2N_HI))), mul<T>(kd, c<T>(LN2N_LO)));
  const r2 = mul<T>(r, r);
  // ((t_i + r) + r²·(1/2 + r/6)) + r⁴·(1/24 + r/120)
  const p = add<T>(add<T>(add<T>(lookup<T>(TAILS, t), r), mul<T>(r2, add<T>(c<T>(C2), mul<T>(r, c<T>(C3))))),
    mul<T>(mul<T>(r2, r2), add<T>(c<T>(C4), mul<T>(r, c<T>(C5)))));
  // S = 2^k·s_i: the bits of t are those of SHIFT plus 128k + i, and SHIFT's low 51 bits are
  // zero, so bits(t) << 45 is (128k + i) << 45.
  const s = bitsAddShifted<T>(lookup<T>(SCALES, t), t, 45);
  return add<T>(s, mul<T>(s, p));
}

/** e^x. Bit-identical to each lane of expF64x2. */
export function expF64(x: f64): f64 {
  if (!(abs(x) < c<f64>(BOUND))) return Math.exp(x);
  return expCore<f64>(x);
}

/** e^x in each lane. Bit-identical to expF64 on each lane. */
// @ts-ignore: decorator
@inline export function expF64x2(x: v128): v128 {
  let y = expCore<v128>(x);
  const ok = f64x2.lt(f64x2.abs(x), c<v128>(BOUND));
  if (!i64x2.all_true(ok)) {
    // The lanes outside the fast path, one at a time (rare).
    if (i64x2.extract_lane(ok, 0) == 0) y = f64x2.replace_lane(y, 0, Math.exp(f64x2.extract_lane(x, 0)));
    if (i64x2.extract_lane(ok, 1) == 0) y = f64x2.replace_lane(y, 1, Math.exp(f64x2.extract_lane(x, 1)));
  }
  return y;
}

/** The logistic function 1/(1 + e^-x). Bit-identical to each lane of sigmoidF64x2. */
export function sigmoidF64(x: f64): f64 {
  return 1.0 / (1.0 + expF64(-x));
}

/** 1/(1 + e^-x) in each lane. Bit-identical to sigmoidF64 on each lane. */
// @ts-ignore: decorator
@inline export function sigmoidF64x2(x: v128): v128 {
  return div<v128>(c<v128>(ONE), add<v128>(c<v128>(ONE), expF64x2(neg<v128>(x))));
}
