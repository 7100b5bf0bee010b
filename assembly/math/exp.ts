// e^x, and the logistic function and tanh from it, for one f64 and for two (f64x2), one
// algorithm for both: see lanes.ts.
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

import { add, sub, mul, div, neg, ld, bitsAddShifted, bitsAnd, roundEven } from './lanes';

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
const TWO = 10;
const TANH_SMALL = 11;
const TANH_BOUND = 12;
const TANH_P = 13; // …17

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
  2.0,
  0.0625, // tanh: below this |x| the odd polynomial
  22.0, // tanh: below this |x| the formula (above, tanh x rounds to ±1)
  -0.33333333333333331, // tanh: P(z), tanh a = a + a·z·P(z), z = a² ≤ 1/256
  0.13333333333325198,
  -0.053968253801609835,
  0.021869369041737925,
  -0.0088282462080582005,
]);
/** Masks: the sign bit; the sign, the exponent and the leading 25 stored mantissa bits (26 significant bits). */
const MASKS = memory.data<i64>([0x8000000000000000, 0xfffffffff8000000]);
const SIGN = MASKS;
const CUT26 = MASKS + 8;

/**
 * For i = 0…127, 16 bytes: the bits of t_i = (2^(i/128) − s_i)/s_i (its value in the
 * comment), then the bits of s_i = 2^(i/128) (rounded to nearest) minus i << 45. One 16-byte
 * load per lane brings both.
 */
const ENTRIES = memory.data<i64>([
  0x0000000000000000, 0x3ff0000000000000, // 0.0
  0x3c9b3b4f1a88bf6e, 0x3feff63da9fb3335, // 9.447885451727066e-17
  0xbc7160139cd8dc5d, 0x3fefec9a3e778061, // -1.507066976926039e-17
  0xbc905e7a108766d1, 0x3fefe315e86e7f85, // -5.679155082825012e-17
  0x3c8cd2523567f613, 0x3fefd9b0d3158574, // 4.9997448722726326e-17
  0xbc8bce8023f98efa, 0x3fefd06b29ddf6de, // -4.823683599994895e-17
  0x3c60f74e61e6c861, 0x3fefc74518759bc8, // 7.357846871247418e-18
  0x3c90a3e45b33d399, 0x3fefbe3ecac6f383, // 5.773230223741951e-17
  0x3c979aa65d837b6d, 0x3fefb5586cf9890f, // 8.189317638195515e-17
  0x3c8eb51a92fdeffc, 0x3fefac922b7247f7, // 5.326891139980878e-17
  0x3c3ebe3d702f9cd1, 0x3fefa3ec32d3d1a2, // 1.6665881442326747e-18
  0xbc6a033489906e0b, 0x3fef9b66affed31b, // -1.128113245461828e-17
  0xbc9556522a2fbd0e, 0x3fef9301d0125b51, // -7.402825309426177e-17
  0xbc5080ef8c4eea55, 0x3fef8abdc06c31cc, // -3.578659767309563e-18
  0xbc91c923b9d5f416, 0x3fef829aaea92de0, // -6.170654745608695e-17
  0x3c80d3e3e95c55af, 0x3fef7a98c8a58e51, // 2.919139999949279e-17
  0xbc801b15eaa59348, 0x3fef72b83c7d517b, // -2.7939114859515733e-17
  0xbc8f1ff055de323d, 0x3fef6af9388c8dea, // -5.399285355184285e-17
  0x3c8b898c3f1353bf, 0x3fef635beb6fcb75, // 4.776959425256223e-17
  0xbc96d99c7611eb26, 0x3fef5be084045cd4, // -7.927701432338473e-17
  0x3c9aecf73e3a2f60, 0x3fef54873168b9aa, // 9.341710609905046e-17
  0xbc8fe782cb86389d, 0x3fef4d5022fcd91d, // -5.534520675707472e-17
  0x3c8a6f4144a6c38d, 0x3fef463b88628cd6, // 4.585670326662351e-17
  0x3c807a05b0e4047d, 0x3fef3f49917ddc96, // 2.8582430411116143e-17
  0x3c968efde3a8a894, 0x3fef387a6e756238, // 7.826573258636076e-17
  0x3c875e18f274487d, 0x3fef31ce4fb2a63f, // 4.053626906769216e-17
  0x3c80472b981fe7f2, 0x3fef2b4565e27cdd, // 2.823784425951061e-17
  0xbc96b87b3f71085e, 0x3fef24dfe1f56381, // -7.882802262487991e-17
  0x3c82f7e16d09ab31, 0x3fef1e9df51fdee1, // 3.2904726646008416e-17
  0xbc3d219b1a6fbffa, 0x3fef187fd0dad990, // -1.5792094703347882e-18
  0x3c8b3782720c0ab4, 0x3fef1285a6e4030b, // 4.721368121170128e-17
  0x3c6e149289cecb8f, 0x3fef0cafa93e2f56, // 1.3045277096919659e-17
  0x3c834d754db0abb6, 0x3fef06fe0a31b715, // 3.3484623336251524e-17
  0x3c864201e2ac744c, 0x3fef0170fc4cd831, // 3.8611199774925664e-17
  0x3c8fdd395dd3f84a, 0x3feefc08b26416ff, // 5.527550048505249e-17
  0xbc86a3803b8e5b04, 0x3feef6c55f929ff1, // -3.927184172445234e-17
  0xbc924aedcc4b5068, 0x3feef1a7373aa9cb, // -6.346552106729483e-17
  0xbc9907f81b512d8e, 0x3feeecae6d05d866, // -8.684417614865944e-17
  0xbc71d1e83e9436d2, 0x3feee7db34e59ff7, // -1.5456342819397733e-17
  0xbc991919b3ce1b15, 0x3feee32dc313a8e5, // -8.70763476495455e-17
  0x3c859f48a72a4c6d, 0x3feedea64c123422, // 3.750854201303127e-17
  0xbc9312607a28698a, 0x3feeda4504ac801c, // -6.616854503526488e-17
  0xbc58a78f4817895b, 0x3feed60a21f72e2a, // -5.346099009198751e-18
  0xbc7c2c9b67499a1b, 0x3feed1f5d950a897, // -2.443726321015018e-17
  0x3c4363ed60c2ac11, 0x3feece086061892d, // 2.1023049675215714e-18
  0x3c9666093b0664ef, 0x3feeca41ed1d0057, // 7.771067937501065e-17
  0x3c6ecce1daa10379, 0x3feec6a2b5c13cd0, // 1.3357510088834541e-17
  0x3c93ff8e3f0f1230, 0x3feec32af0d7d3de, // 6.938291696959204e-17
  0x3c7690cebb7aafb0, 0x3feebfdad5362a27, // 1.9572585293112036e-17
  0x3c931dbdeb54e077, 0x3feebcb299fddd0d, // 6.632256961675804e-17
  0xbc8f94340071a38e, 0x3feeb9b2769d2ca7, // -5.478069123926778e-17
  0xbc87deccdc93a349, 0x3feeb6daa2cf6642, // -4.140839310392624e-17
  0xbc78dec6bd0f385f, 0x3feeb42b569d4f82, // -2.1571477251208752e-17
  0xbc861246ec7b5cf6, 0x3feeb1a4ca5d920f, // -3.8287766552120535e-17
  0x3c93350518fdd78e, 0x3feeaf4736b527da, // 6.663804589232195e-17
  0x3c7b98b72f8a9b05, 0x3feead12d497c7fd, // 2.3936187400285282e-17
  0x3c9063e1e21c5409, 0x3feeab07dd485429, // 5.68648095791174e-17
  0x3c34c7855019c6ea, 0x3feea9268a5946b7, // 1.1264523354521684e-18
  0x3c9432e62b64c035, 0x3feea76f15ad2148, // 7.007875046906994e-17
  0xbc8ce44a6199769f, 0x3feea5e1b976dc09, // -5.0119214278381254e-17
  0xbc8c33c53bef4da8, 0x3feea47eb03a5585, // -4.8923067513522756e-17
  0xbc845378892be9ae, 0x3feea34634ccc320, // -3.5260089953269434e-17
  0xbc93cedd78565858, 0x3feea23882552225, // -6.872303720902018e-17
  0x3c5710aa807e1964, 0x3feea155d44ca973, // 5.001446664133532e-18
  0xbc93b3efbf5e2228, 0x3feea09e667f3bcd, // -6.835808657661922e-17
  0xbc6a12ad8734b982, 0x3feea012750bdabf, // -1.1307344092910212e-17
  0xbc6367efb86da9ee, 0x3fee9fb23c651a2f, // -8.416011634717156e-18
  0xbc80dc3d54e08851, 0x3fee9f7df9519484, // -2.9247977035436566e-17
  0xbc781f647e5a3ecf, 0x3fee9f75e8ec5f74, // -2.092304381843353e-17
  0xbc86ee4ac08b7db0, 0x3fee9f9a48a58174, // -3.9778645875427124e-17
  0xbc8619321e55e68a, 0x3fee9feb564267c9, // -3.833464968654295e-17
  0x3c909ccb5e09d4d3, 0x3feea0694fde5d3f, // 5.763611164480894e-17
  0xbc7b32dcb94da51d, 0x3feea11473eb0187, // -2.3591094770850053e-17
  0x3c94ecfd5467c06b, 0x3feea1ed0130c132, // 7.260074661098575e-17
  0x3c65ebe1abd66c55, 0x3feea2f336cf4e62, // 9.50689710108796e-18
  0xbc88a1c52fb3cf42, 0x3feea427543e1a12, // -4.272956133839906e-17
  0xbc9369b6f13b3734, 0x3feea589994cce13, // -6.735219232374683e-17
  0xbc805e843a19ff1e, 0x3feea71a4623c7ad, // -2.8396044410430936e-17
  0xbc94d450d872576e, 0x3feea8d99b4492ed, // -7.226635472101257e-17
  0x3c90ad675b0e8a00, 0x3feeaac7d98a6699, // 5.786121003395918e-17
  0x3c8db72fc1f0eab4, 0x3feeace5422aa0db, // 5.1548301170786783e-17
  0xbc65b6609cc5e7ff, 0x3feeaf3216b5448c, // -9.416257568878152e-18
  0x3c7bf68359f35f44, 0x3feeb1ae99157736, // 2.4253985766689806e-17
  0xbc93091fa71e3d83, 0x3feeb45b0b91ffc6, // -6.604314051707707e-17
  0xbc5da9b88b6c1e29, 0x3feeb737b0cdc5e5, // -6.432131775424189e-18
  0xbc6c23f97c90b959, 0x3feeba44cbc8520f, // -1.2204007601863921e-17
  0xbc92434322f4f9aa, 0x3feebd829fde4e50, // -6.336161863401293e-17
  0xbc85ca6cd7668e4b, 0x3feec0f170ca07ba, // -3.7800879246373815e-17
  0x3c71affc2b91ce27, 0x3feec49182a3f090, // 1.5341410053603723e-17
  0x3c6dd235e10a73bb, 0x3feec86319e32323, // 1.2932855580427452e-17
  0xbc87c50422622263, 0x3feecc667b5de565, // -4.123367330661149e-17
  0x3c8b1c86e3e231d5, 0x3feed09bec4a2d33, // 4.703083974463456e-17
  0xbc91bbd1d3bcbb15, 0x3feed503b23e255d, // -6.152602891550265e-17
  0x3c90cc319cee31d2, 0x3feed99e1330b358, // 5.827849326195279e-17
  0x3c8469846e735ab3, 0x3feede6b5579fdbf, // 3.540948262646183e-17
  0xbc82dfcd978e9db4, 0x3feee36bbfd3f37a, // -3.2741571320938764e-17
  0x3c8c1a7792cb3387, 0x3feee89f995ad3ad, // 4.875160526227062e-17
  0xbc907b8f4ad1d9fa, 0x3feeee07298db666, // -5.718569790077838e-17
  0xbc55c3d956dcaeba, 0x3feef3a2b84f15fb, // -4.719539664590972e-18
  0xbc90a40e3da6f640, 0x3feef9728de5593a, // -5.773451958805706e-17
  0xbc68d6f438ad9334, 0x3feeff76f2fb5e47, // -1.0772487078934056e-17
  0xbc91eee26b588a35, 0x3fef05b030a1064a, // -6.221808618533911e-17
  0x3c74ffd70a5fddcd, 0x3fef0c1e904bc1d2, // 1.821405440362259e-17
  0xbc91bdfbfa9298ac, 0x3fef12c25bd71e09, // -6.155536546227639e-17
  0x3c736eae30af0cb3, 0x3fef199bdd85529c, // 1.685487290628973e-17
  0x3c8ee3325c9ffd94, 0x3fef20ab5fffd07a, // 5.3581249177694816e-17
  0x3c84e08fd10959ac, 0x3fef27f12e57d14b, // 3.621615935336894e-17
  0x3c63cdaf384e1a67, 0x3fef2f6d9406e7b5, // 8.588379527574144e-18
  0x3c676b2c6c921968, 0x3fef3720dcef9069, // 1.01562190116415e-17
  0xbc808a1883ccb5d2, 0x3fef3f0b555dc3fa, // -2.869134889187244e-17
  0xbc8fad5d3ffffa6f, 0x3fef472d4a07897c, // -5.495118966122005e-17
  0xbc900dae3875a949, 0x3fef4f87080d89f2, // -5.56965572431627e-17
  0x3c74a385a63d07a7, 0x3fef5818dcfba487, // 1.790126907604513e-17
  0xbc82919e2040220f, 0x3fef60e316c98398, // -3.2211766346200164e-17
  0x3c8e5a50d5c192ac, 0x3fef69e603db3285, // 5.265370768556274e-17
  0x3c843a59ac016b4b, 0x3fef7321f301b460, // 3.5089866402403033e-17
  0xbc82d52107b43e1f, 0x3fef7c97337b9b5f, // -3.266924100901318e-17
  0xbc892ab93b470dc9, 0x3fef864614f5a129, // -4.3657593008079375e-17
  0x3c74b604603a88d3, 0x3fef902ee78b3ff6, // 1.7963932659833022e-17
  0x3c83c5ec519d7271, 0x3fef9a51fbc74c83, // 3.4300925275214166e-17
  0xbc8ff7128fd391f0, 0x3fefa4afa2a490da, // -5.545065618639427e-17
  0xbc8dae98e223747d, 0x3fefaf482d8e67f1, // -5.149009745457733e-17
  0x3c8ec3bc41aa2008, 0x3fefba1bee615a27, // 5.336805878514151e-17
  0x3c842b94c3a9eb32, 0x3fefc52b376bba97, // 3.498978661192973e-17
  0x3c8a64a931d185ee, 0x3fefd0765b6e4540, // 4.5784915277060095e-17
  0xbc8e37bae43be3ed, 0x3fefdbfdad9cbe14, // -5.241934575393899e-17
  0x3c77893b4d91cd9d, 0x3fefe7c1819e90d8, // 2.0414278897578303e-17
  0x3c5305c14160cc89, 0x3feff3c22b8f71f1, // 4.124842848606488e-18
], 16);

/** Table entry i, as T. */
// @ts-ignore: decorator
@inline function c<T>(i: i32): T {
  return ld<T>(TABLE + (<usize>i << 3));
}

// @ts-ignore: decorator
@inline function expCore<T>(x: T, tanh: bool = false): T {
  const xn = mul<T>(x, c<T>(INV_LN2N));
  const t = add<T>(xn, c<T>(SHIFT));
  const kd = roundEven<T>(xn); // 128k + i, also t − SHIFT
  const r = sub<T>(sub<T>(x, mul<T>(kd, c<T>(LN2N_HI))), mul<T>(kd, c<T>(LN2N_LO)));
  const r2 = mul<T>(r, r);
  // t_i and the bits of s_i less i << 45 from the entry for i = the low 7 bits of t
  let tail: T, sbits: T;
  if (isVector<T>()) {
    const e0 = v128.load(ENTRIES + (<usize>(<u32>i64x2.extract_lane(<v128>t, 0) & 127) << 4));
    const e1 = v128.load(ENTRIES + (<usize>(<u32>i64x2.extract_lane(<v128>t, 1) & 127) << 4));
    tail = <T>i64x2.shuffle(e0, e1, 0, 2);
    sbits = <T>i64x2.shuffle(e0, e1, 1, 3);
  } else {
    const e = ENTRIES + (<usize>(<u32>reinterpret<i64>(<f64>t) & 127) << 4);
    tail = <T>load<f64>(e);
    sbits = <T>load<f64>(e, 8);
  }
  // ((t_i + r) + r²·(1/2 + r/6)) + r⁴·(1/24 + r/120)
  const p = add<T>(add<T>(add<T>(tail, r), mul<T>(r2, add<T>(c<T>(C2), mul<T>(r, c<T>(C3))))),
    mul<T>(mul<T>(r2, r2), add<T>(c<T>(C4), mul<T>(r, c<T>(C5)))));
  // S = 2^k·s_i: the bits of t are those of SHIFT plus 128k + i, and SHIFT's low 51 bits are
  // zero, so bits(t) << 45 is (128k + i) << 45.
  const s = bitsAddShifted<T>(sbits, t, 45);
  if (tanh) return tanhFromExp<T>(s, p);
  return add<T>(s, mul<T>(s, p));
}

/** e^x. Bit-identical to each lane of expF64x2. */
export function expF64(x: f64): f64 {
  if (!(abs(x) < c<f64>(BOUND))) return Math.exp(x);
  return expCore<f64>(x);
}

/** Whether both lanes are inside expCore's range (3), else which are (bits 0 and 1). */
// @ts-ignore: decorator
@inline function expLanesOk(x: v128): i32 {
  return i64x2.bitmask(f64x2.lt(f64x2.abs(x), c<v128>(BOUND)));
}

/** e^x in each lane. Bit-identical to expF64 on each lane. */
// @ts-ignore: decorator
@inline export function expF64x2(x: v128): v128 {
  let y = expCore<v128>(x);
  if (expLanesOk(x) != 3) {
    // The lanes outside the fast path by the scalar form (rare).
    y = f64x2.replace_lane(y, 0, expF64(f64x2.extract_lane(x, 0)));
    y = f64x2.replace_lane(y, 1, expF64(f64x2.extract_lane(x, 1)));
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

/** e^x (sigmoid false) or 1/(1 + e^-x) (true) of the two values at ps into pd, by the scalar form. */
function pairScalar(pd: usize, ps: usize, sigmoid: bool): void {
  store<f64>(pd, sigmoid ? sigmoidF64(load<f64>(ps)) : expF64(load<f64>(ps)));
  store<f64>(pd, sigmoid ? sigmoidF64(load<f64>(ps, 8)) : expF64(load<f64>(ps, 8)), 8);
}

// The loops over arrays: each pair by expCore, stored, and where some lane is outside its
// range (rare), both values again by the scalar form. Testing after the store keeps the
// common path straight (no values kept across the call).

/** dst[i] = e^src[i] for i < n, two at a time (dst and src the same array or not overlapping). */
export function mapExp(dst: usize, src: usize, n: i32): void {
  let i = 0;
  for (; i + 3 < n; i += 4) {
    const ps = src + (<usize>i << 3);
    const pd = dst + (<usize>i << 3);
    const x = v128.load(ps);
    const x1 = v128.load(ps, 16);
    v128.store(pd, expCore<v128>(x));
    v128.store(pd, expCore<v128>(x1), 16);
    if ((expLanesOk(x) & expLanesOk(x1)) != 3) { pairScalar(pd, ps, false); pairScalar(pd + 16, ps + 16, false); }
  }
  for (; i + 1 < n; i += 2) {
    const ps = src + (<usize>i << 3);
    const pd = dst + (<usize>i << 3);
    const x = v128.load(ps);
    v128.store(pd, expCore<v128>(x));
    if (expLanesOk(x) != 3) pairScalar(pd, ps, false);
  }
  if (i < n) store<f64>(dst + (<usize>i << 3), expF64(load<f64>(src + (<usize>i << 3))));
}

/** dst[i] = 1/(1 + e^-src[i]) for i < n, likewise. */
export function mapSigmoid(dst: usize, src: usize, n: i32): void {
  let i = 0;
  for (; i + 1 < n; i += 2) {
    const ps = src + (<usize>i << 3);
    const pd = dst + (<usize>i << 3);
    const x = v128.load(ps);
    v128.store(pd, div<v128>(c<v128>(ONE), add<v128>(c<v128>(ONE), expCore<v128>(neg<v128>(x)))));
    if (expLanesOk(x) != 3) pairScalar(pd, ps, true);
  }
  if (i < n) store<f64>(dst + (<usize>i << 3), sigmoidF64(load<f64>(src + (<usize>i << 3))));
}

// tanh x = sign(x)·tanh a, a = |x|.
//
// a < 1/16: tanh a = a + a·z·P(z), z = a², P of degree 4 fitted to (tanh a/a − 1)/z on
// [0, 1/256] (Chebyshev interpolation in 200-bit arithmetic, coefficients rounded to doubles;
// a·z·P is below a/768, so P's error of 6e-18 is far below an ulp of the result).
//
// 1/16 ≤ a < 22: tanh a = E/(E + 2) with E = e^(2a) − 1 from exp's own parts: e^(2a) =
// s·(1 + p) with s = 2^k·s_i exact, so E = (s − 1) + s·p, where s − 1 and its rounding error
// are exact (two-sum) and s·p is below 0.3 % of s: E as a sum of two doubles is good to far
// more than 53 bits (for 2a ≥ 1/8 there is no cancellation: s − 1 ≥ 0.13, |s·p| < 0.003).
// E + 2 likewise (two-sum). The quotient: q = E/(E + 2) from the leading parts, its residual
// E − q·(E + 2) nearly exactly (Dekker's product, 26-bit halves), and q corrected by
// residual·(1/(E + 2)): the quotient of the two-double sums, rounded about once (at most 0.53
// ulps in tests against 200-bit values).
//
// a ≥ 22 (tanh rounds to 1), NaN and infinities: the scalar form (±1 or NaN).

/** The exact error of a + b rounded to s (Knuth's two-sum). */
// @ts-ignore: decorator
@inline function sumErr<T>(a: T, b: T, s: T): T {
  const bb = sub<T>(s, a);
  return add<T>(sub<T>(a, sub<T>(s, bb)), sub<T>(b, bb));
}

/** tanh a for a ≥ 1/16 from e^(2a) = s·(1 + p) (s and p from expCore). */
// @ts-ignore: decorator
@inline function tanhFromExp<T>(s: T, p: T): T {
  const one = c<T>(ONE);
  const two = c<T>(TWO);
  // E = e^(2a) − 1 = nh + nl
  const h = sub<T>(s, one);
  const l = add<T>(sub<T>(sub<T>(s, h), one), mul<T>(s, p)); // (s − h) − 1: h's rounding error, exactly (s ≥ 1)
  const nh = add<T>(h, l);
  const nl = add<T>(sub<T>(h, nh), l); // |h| ≥ |l| or h = 0: exact
  // E + 2 = dh + dl
  const dh = add<T>(nh, two);
  const dl = add<T>(sumErr<T>(nh, two, dh), nl);
  const inv = div<T>(one, dh);
  const q = div<T>(nh, dh);
  // q·dh = pr + pe (Dekker, 26-bit halves; all but the last, tiny product exact)
  const pr = mul<T>(q, dh);
  const qh = bitsAnd<T>(q, CUT26);
  const ql = sub<T>(q, qh);
  const dhh = bitsAnd<T>(dh, CUT26);
  const dhl = sub<T>(dh, dhh);
  const pe = add<T>(sub<T>(mul<T>(qh, dhh), pr), add<T>(add<T>(mul<T>(qh, dhl), mul<T>(ql, dhh)), mul<T>(ql, dhl)));
  // (nh + nl) − q·(dh + dl), then q + that/(dh + dl)
  const res = add<T>(sub<T>(sub<T>(nh, pr), pe), sub<T>(nl, mul<T>(q, dl)));
  return add<T>(q, mul<T>(res, inv));
}

/** tanh a for 0 ≤ a < 1/16. */
// @ts-ignore: decorator
@inline function tanhSmall<T>(a: T): T {
  const z = mul<T>(a, a);
  const z2 = mul<T>(z, z);
  const k = TABLE + (TANH_P << 3);
  const p = add<T>(add<T>(add<T>(ld<T>(k), mul<T>(z, ld<T>(k + 8))), mul<T>(z2, add<T>(ld<T>(k + 16), mul<T>(z, ld<T>(k + 24))))),
    mul<T>(mul<T>(z2, z2), ld<T>(k + 32)));
  return add<T>(a, mul<T>(mul<T>(a, z), p));
}

/** tanh x. Bit-identical to each lane of tanhF64x2. */
export function tanhF64(x: f64): f64 {
  const a = abs(x);
  if (!(a < c<f64>(TANH_BOUND))) return a != a ? x : copysign<f64>(1.0, x);
  const r = a < c<f64>(TANH_SMALL) ? tanhSmall<f64>(a) : expCore<f64>(a + a, true);
  return copysign<f64>(r, x);
}

/** tanh of both lanes, assuming both below TANH_BOUND (the others are fixed by the callers). */
// @ts-ignore: decorator
@inline function tanhLanes(x: v128): v128 {
  const sign = v128.and(x, v128.load64_splat(SIGN));
  const a = f64x2.abs(x);
  const small = f64x2.lt(a, c<v128>(TANH_SMALL));
  const sm = i64x2.bitmask(small);
  let r: v128;
  if (sm == 3) r = tanhSmall<v128>(a);
  else {
    r = expCore<v128>(f64x2.add(a, a), true);
    if (sm != 0) r = v128.bitselect(tanhSmall<v128>(a), r, small);
  }
  return v128.or(r, sign);
}

/** Whether both lanes are below TANH_BOUND in magnitude (3). */
// @ts-ignore: decorator
@inline function tanhLanesOk(x: v128): i32 {
  return i64x2.bitmask(f64x2.lt(f64x2.abs(x), c<v128>(TANH_BOUND)));
}

/** tanh x in each lane. Bit-identical to tanhF64 on each lane. */
// @ts-ignore: decorator
@inline export function tanhF64x2(x: v128): v128 {
  let y = tanhLanes(x);
  if (tanhLanesOk(x) != 3) {
    y = f64x2.replace_lane(y, 0, tanhF64(f64x2.extract_lane(x, 0)));
    y = f64x2.replace_lane(y, 1, tanhF64(f64x2.extract_lane(x, 1)));
  }
  return y;
}

function tanhPairScalar(pd: usize, ps: usize): void {
  store<f64>(pd, tanhF64(load<f64>(ps)));
  store<f64>(pd, tanhF64(load<f64>(ps, 8)), 8);
}

/** dst[i] = tanh src[i] for i < n, two at a time (dst and src the same array or not overlapping). */
export function mapTanh(dst: usize, src: usize, n: i32): void {
  let i = 0;
  for (; i + 1 < n; i += 2) {
    const ps = src + (<usize>i << 3);
    const pd = dst + (<usize>i << 3);
    const x = v128.load(ps);
    v128.store(pd, tanhLanes(x));
    if (tanhLanesOk(x) != 3) tanhPairScalar(pd, ps);
  }
  if (i < n) store<f64>(dst + (<usize>i << 3), tanhF64(load<f64>(src + (<usize>i << 3))));
}
