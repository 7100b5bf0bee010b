// ln x for one f64 and for two (f64x2), one algorithm for both: see lanes.ts.
//
// Table-driven, without division (the arrangement of Tang's method for the logarithm, P. T. P.
// Tang, "Table-driven implementation of the logarithm function in IEEE floating-point
// arithmetic", ACM TOMS 16(4), 1990): x = 2^k·m with m in [√2/2, √2), found by integer
// operations on the bit pattern as in musl's log.c before 1.2 (fdlibm's e_log.c); c near m
// from a table of 128 (c = 1 for the entry holding 1), and
//   ln x = k·ln2 + ln c + log1p(r),   r = m/c − 1, |r| < 0.0043,
// log1p(r) − r by its Taylor polynomial of degree 8 (the first neglected term is below 2^-65
// of r). The table holds 1/c with 10 significant bits, so that r = (mh·(1/c) − 1) + ml·(1/c)
// is exact as two doubles (m = mh + ml, mh of 43 bits), and ln c as two doubles (106 bits);
// ln2 is split in a 32-bit head (k·ln2hi exact) and a tail. The leading sum
// (k·ln2hi + ln c) + r keeps its rounding errors (two-sums), the small terms are added to
// them, and one rounding makes the result: at most 0.51 ulps in tests against 200-bit values,
// also near x = 1, where the terms cancel.
//
// Zero, negative numbers, subnormals, infinities and NaN go to the runtime library's
// Math.log instead, decided per value by the same comparison in both forms.

import { add, sub, mul, ld, bitsAnd, bitsAddAndAdd, bitsAddShrOr } from './lanes';

// Indices into the constant table below.
const LN2_HI = 0;
const LN2_LO = 1;
const P2 = 2; // …8
const ONE = 9;
const TWO52_BIAS = 10;
const MIN_NORMAL = 11;
const INF = 12;

const TABLE = memory.data<f64>([
  6.93147180369123816490e-01, // 0x3fe62e42fee00000: ln2's leading 32 bits
  1.90821492927058770002e-10, // 0x3dea39ef35793c76: ln2 − the above
  -0.5, // log1p(r) − r = r²·(−1/2 + r/3 − r²/4 + … − r⁶/8) (Taylor)
  0.33333333333333331,
  -0.25,
  0.20000000000000001,
  -0.16666666666666666,
  0.14285714285714285,
  -0.125,
  1.0,
  4503599627371519.0, // 2^52 + 1023: subtracted from 2^52 + e, leaves k = e − 1023 exactly
  2.2250738585072014e-308, // the smallest normal number: the fast path's lower end
  Infinity,
]);

/**
 * For i = 0…127, 32 bytes: 1/c_i (10 significant bits), then −ln(1/c_i) as the sum of two
 * doubles (to about 106 bits), then a pad. Entry i serves the m whose bits lie in
 * [0x3fe6a09e00000000 + i·2^45, + 2^45): c_i near the middle of that range, and c_i = 1 for
 * the one holding 1.
 */
const ENTRIES = memory.data<f64>([
  1.41015625, -0.34370051385331846, 1.2044907642022741e-17, 0.0,
  1.40234375, -0.3381449440087164, 2.1615585875304225e-17, 0.0,
  1.39453125, -0.3325583373000766, 1.0452065576244321e-17, 0.0,
  1.38671875, -0.32694034499585334, 1.7491334247872663e-17, 0.0,
  1.380859375, -0.32270604085706495, -2.4886685504283264e-17, 0.0,
  1.373046875, -0.31703226677115715, 2.553561065361781e-17, 0.0,
  1.365234375, -0.3113261171943025, 4.3785185679582705e-18, 0.0,
  1.357421875, -0.30558722052528436, 1.726862063132527e-17, 0.0,
  1.3515625, -0.3012613305781618, 9.048511144048564e-18, 0.0,
  1.34375, -0.2954642128938359, 2.16461086040599e-17, 0.0,
  1.3359375, -0.28963329258304266, -2.0535953219858174e-17, 0.0,
  1.330078125, -0.2852376811100046, 4.358829311824243e-20, 0.0,
  1.322265625, -0.2793466478727672, -1.3154779699911696e-17, 0.0,
  1.31640625, -0.2749054858727992, -2.2401714494357158e-17, 0.0,
  1.30859375, -0.26895308734550394, -2.0567264884778372e-17, 0.0,
  1.302734375, -0.2644654208761159, -2.4580011601807535e-17, 0.0,
  1.296875, -0.25995752443692605, -2.069806938978935e-17, 0.0,
  1.2890625, -0.25391520998096345, 8.048097394424201e-18, 0.0,
  1.283203125, -0.24935939344510272, -9.925832304970219e-18, 0.0,
  1.27734375, -0.24478272641769092, -7.690455270851944e-19, 0.0,
  1.26953125, -0.238647737850175, 2.480208795706813e-18, 0.0,
  1.263671875, -0.23402166946139277, -7.084735410896746e-18, 0.0,
  1.2578125, -0.22937410106484582, -9.927671823978025e-18, 0.0,
  1.251953125, -0.22470483188116225, -7.036556313488362e-18, 0.0,
  1.24609375, -0.2200136583052821, 1.0079574422441999e-17, 0.0,
  1.240234375, -0.21530037385318387, 1.1102464888714096e-17, 0.0,
  1.234375, -0.21056476910734964, 4.249405314729895e-18, 0.0,
  1.228515625, -0.20580663166093274, 2.9929664309192887e-18, 0.0,
  1.22265625, -0.20102574606059073, -9.307006919883831e-18, 0.0,
  1.216796875, -0.19622189374794535, -5.78647827985703e-18, 0.0,
  1.2109375, -0.19139485299962947, 1.2129496905792884e-17, 0.0,
  1.205078125, -0.18654439886588003, 5.2568157045427994e-18, 0.0,
  1.19921875, -0.18167030310763468, 5.8870920167715034e-18, 0.0,
  1.193359375, -0.17677233413208754, 4.1916460870394425e-19, 0.0,
  1.1875, -0.17185025692665923, 6.0224538210113705e-18, 0.0,
  1.181640625, -0.16690383299133368, 5.807755616764237e-18, 0.0,
  1.177734375, -0.16359257168767766, -7.057912917148893e-19, 0.0,
  1.171875, -0.15860503017663857, -1.1257003872182592e-17, 0.0,
  1.166015625, -0.1535924883530943, 9.826977407254641e-19, 0.0,
  1.16015625, -0.14855469432313714, 1.53995371858771e-19, 0.0,
  1.15625, -0.1451820098444979, -8.242418783022475e-18, 0.0,
  1.150390625, -0.14010155861207893, 9.060680129479457e-18, 0.0,
  1.14453125, -0.13499516453750482, -1.1344320488590788e-17, 0.0,
  1.140625, -0.13157635778871926, -1.1123000879729588e-17, 0.0,
  1.134765625, -0.12642613181240345, 3.3930485621794785e-18, 0.0,
  1.130859375, -0.12297785253348746, 2.6556757566389632e-18, 0.0,
  1.125, -0.11778303565638346, 1.1971685747593677e-18, 0.0,
  1.12109375, -0.11430477128005863, -5.1100358927720175e-18, 0.0,
  1.115234375, -0.10906458461650244, 6.5439375965481166e-18, 0.0,
  1.111328125, -0.10555580908682313, -3.768263496733737e-18, 0.0,
  1.10546875, -0.10026945316367515, 1.9556371293694694e-18, 0.0,
  1.1015625, -0.09672962645855111, 5.597397486289965e-19, 0.0,
  1.095703125, -0.09139628048318853, -3.68557579677329e-18, 0.0,
  1.091796875, -0.08782484811559138, 5.943776205117117e-18, 0.0,
  1.087890625, -0.08424061488777623, -4.3010502267360414e-18, 0.0,
  1.08203125, -0.07884006170777602, -3.2379150876431256e-18, 0.0,
  1.078125, -0.07522342123758753, 5.930604196293241e-18, 0.0,
  1.07421875, -0.07159365318700882, 3.804421579719008e-19, 0.0,
  1.068359375, -0.06612417738247342, -6.273795438752119e-19, 0.0,
  1.064453125, -0.06246116962373629, -1.4978068596302668e-18, 0.0,
  1.060546875, -0.058784694894427655, 1.907982501648531e-18, 0.0,
  1.0546875, -0.053244514518812285, 1.665575816973663e-18, 0.0,
  1.05078125, -0.04953393512227663, -3.3991672076404202e-18, 0.0,
  1.046875, -0.0458095360312942, -1.902959866474257e-18, 0.0,
  1.04296875, -0.04207121392068706, 3.1329038365070074e-18, 0.0,
  1.0390625, -0.0383188643021366, 2.357996157351286e-18, 0.0,
  1.03515625, -0.034552381506659735, 1.6591063781278726e-18, 0.0,
  1.029296875, -0.028875923501854542, 3.958237145953925e-19, 0.0,
  1.025390625, -0.02507363755211596, -1.0436737280282193e-18, 0.0,
  1.021484375, -0.021256839025415118, 1.4672122445753155e-18, 0.0,
  1.017578125, -0.017425416713859134, 7.930339309600615e-19, 0.0,
  1.013671875, -0.013579258126380854, 4.2564778893805965e-19, 0.0,
  1.009765625, -0.009718249468921346, 5.4121446945839194e-20, 0.0,
  1.005859375, -0.005842275624228361, 2.9977498684025744e-19, 0.0,
  1.0, 0.0, 0.0, 0.0,
  0.99609375, 0.003913899321136329, 4.2808986230681256e-19, 0.0,
  0.98828125, 0.01178795575204224, 2.208154666796622e-19, 0.0,
  0.98046875, 0.01972450534777859, -1.3445979863167511e-18, 0.0,
  0.9736328125, 0.026721035637614764, 2.4017018471934056e-19, 0.0,
  0.9658203125, 0.03477747397674098, -3.060000841238415e-18, 0.0,
  0.958984375, 0.04188049724498721, -7.52116008109174e-19, 0.0,
  0.951171875, 0.050060501956918, -2.5103449679221735e-18, 0.0,
  0.9443359375, 0.05727331014615877, 1.888425434562252e-18, 0.0,
  0.9375, 0.06453852113757118, -6.470486661692933e-18, 0.0,
  0.9306640625, 0.07185690194525098, 6.369938849679815e-18, 0.0,
  0.923828125, 0.07922923654757481, 3.844009567382204e-18, 0.0,
  0.9169921875, 0.08665632639119018, 2.8868114367273504e-18, 0.0,
  0.9111328125, 0.09306660475210927, -6.2751506126151326e-18, 0.0,
  0.904296875, 0.10059757095327371, 3.4358803555888985e-18, 0.0,
  0.8984375, 0.1070981355563671, -1.73705104015906e-18, 0.0,
  0.8916015625, 0.11473592500448462, 3.133194996976324e-18, 0.0,
  0.8857421875, 0.12132935548431649, 1.703415659519968e-18, 0.0,
  0.8798828125, 0.12796654799111518, 3.803220994744838e-18, 0.0,
  0.8740234375, 0.13464808732459774, -1.3819481250435849e-17, 0.0,
  0.8681640625, 0.14137457008554852, -1.653263372270787e-18, 0.0,
  0.8623046875, 0.1481466049954931, -1.126863437412071e-17, 0.0,
  0.8564453125, 0.15496481322727004, 1.1052352542205131e-17, 0.0,
  0.8505859375, 0.1618298287469503, 1.0150283350211873e-17, 0.0,
  0.8447265625, 0.16874229866757376, 1.3574674264207443e-17, 0.0,
  0.8388671875, 0.17570288361519773, -7.382877329480907e-18, 0.0,
  0.833984375, 0.18154061181088324, -9.164261232838093e-18, 0.0,
  0.828125, 0.18859116980755003, -7.432164219196925e-18, 0.0,
  0.8232421875, 0.19450484759759765, -8.854209877020327e-18, 0.0,
  0.8173828125, 0.20164773510997777, 2.5514254320241786e-18, 0.0,
  0.8125, 0.2076393647782445, 1.2053243216686129e-17, 0.0,
  0.8076171875, 0.2136671105757618, -1.3090964866019104e-17, 0.0,
  0.802734375, 0.21973141054327316, 1.3474032480672356e-17, 0.0,
  0.7978515625, 0.22583271073945022, -4.65212066772356e-18, 0.0,
  0.7919921875, 0.23320375148404018, -1.0756001012262804e-17, 0.0,
  0.7880859375, 0.2381481373295043, 1.8557572450635336e-18, 0.0,
  0.783203125, 0.2443631977329386, -4.008556524537438e-18, 0.0,
  0.7783203125, 0.25061712680923803, 2.154355146939517e-17, 0.0,
  0.7734375, 0.2569104137850272, 2.502843296152504e-17, 0.0,
  0.7685546875, 0.2632435571820499, -2.503790597780922e-17, 0.0,
  0.763671875, 0.269617065054142, 4.0706357645790495e-19, 0.0,
  0.759765625, 0.27474528142106147, 2.0578963926931158e-17, 0.0,
  0.7548828125, 0.2811927570120311, 1.882811300010522e-17, 0.0,
  0.7509765625, 0.2863808360938091, 2.053227672517892e-17, 0.0,
  0.74609375, 0.2929040164329326, -2.097144388760612e-17, 0.0,
  0.7421875, 0.29815337231907635, -1.720695867445866e-17, 0.0,
  0.7373046875, 0.3047540563504284, -1.3134476873147405e-17, 0.0,
  0.7333984375, 0.3100661538353183, 2.4390036934383104e-17, 0.0,
  0.7294921875, 0.3154066204666358, -2.40660082921959e-17, 0.0,
  0.7255859375, 0.3207757608816939, 2.386734775502141e-17, 0.0,
  0.720703125, 0.3275279809989806, -1.869130493933294e-17, 0.0,
  0.716796875, 0.33296277698493754, -2.3137521994373225e-17, 0.0,
  0.712890625, 0.3384272714570163, -6.596837759570706e-18, 0.0,
  0.708984375, 0.343921790774657, -4.967484431763836e-18, 0.0,
], 16);

// The integer constants, by address.
const INTS = memory.data<i64>([
  // The bits of 1 minus those of √2/2 rounded down to 32 bits (0x3fe6a09e00000000): added to
  // a number's bits, this carries into the exponent exactly when the mantissa is at least
  // √2's, so that the exponent field then holds k + 1023 for m in [√2/2, √2).
  0x3ff0000000000000 - 0x3fe6a09e00000000,
  0x000fffffffffffff, // the mantissa field
  0x3fe6a09e00000000, // added back to the mantissa: m in [√2/2, √2)
  0x4330000000000000, // 2^52: ORed with a biased exponent e (< 2^11) it is the double 2^52 + e
]);
const TO_SPLIT = INTS;
const MANTISSA = INTS + 8;
const SQRT_HALF_BITS = INTS + 16;
const TWO52_BITS = INTS + 24;
/** Keeps the sign, the exponent and the leading 42 stored mantissa bits: 43 significant bits. */
const CUT43 = memory.data<i64>([0xfffffffffffffc00]);

/** Table entry i, as T. */
// @ts-ignore: decorator
@inline function c<T>(i: i32): T {
  return ld<T>(TABLE + (<usize>i << 3));
}

// @ts-ignore: decorator
@inline function logCore<T>(x: T): T {
  const m = bitsAddAndAdd<T>(x, TO_SPLIT, MANTISSA, SQRT_HALF_BITS);
  const dk = sub<T>(bitsAddShrOr<T>(x, TO_SPLIT, 52, TWO52_BITS), c<T>(TWO52_BIAS));
  // The entry for i = the top 7 bits of m's offset from √2/2: 1/c and ln c = lch + lcl.
  let invc: T, lch: T, lcl: T;
  if (isVector<T>()) {
    const off = v128.and(i64x2.add(<v128>x, v128.load64_splat(TO_SPLIT)), v128.load64_splat(MANTISSA));
    const e0 = ENTRIES + (<usize>(i64x2.extract_lane(off, 0) >>> 45) << 5);
    const e1 = ENTRIES + (<usize>(i64x2.extract_lane(off, 1) >>> 45) << 5);
    const a0 = v128.load(e0);
    const a1 = v128.load(e1);
    const b0 = v128.load(e0, 16);
    const b1 = v128.load(e1, 16);
    invc = <T>i64x2.shuffle(a0, a1, 0, 2);
    lch = <T>i64x2.shuffle(a0, a1, 1, 3);
    lcl = <T>i64x2.shuffle(b0, b1, 0, 2);
  } else {
    const e = ENTRIES + (<usize>(((reinterpret<i64>(<f64>x) + load<i64>(TO_SPLIT)) & load<i64>(MANTISSA)) >>> 45) << 5);
    invc = <T>load<f64>(e);
    lch = <T>load<f64>(e, 8);
    lcl = <T>load<f64>(e, 16);
  }
  // r = m/c − 1 = rh + rl exactly: m = mh + ml with mh of 43 bits, so mh·(1/c) and ml·(1/c) are
  // exact, and mh·(1/c) − 1 too (mh·(1/c) is within 0.5 % of 1).
  const mh = bitsAnd<T>(m, CUT43);
  const rh = sub<T>(mul<T>(mh, invc), c<T>(ONE));
  const rl = mul<T>(sub<T>(m, mh), invc);
  const r = add<T>(rh, rl);
  // ln x = k·ln2 + ln c + log1p(r): hi = (k·ln2hi + lch) + rh with both rounding errors kept
  // (fast two-sums: k·ln2hi is 0 or the larger, and lch, where not 0, has an exponent at least
  // rh's), the rest summed small.
  const a = mul<T>(dk, c<T>(LN2_HI)); // exact
  const hi1 = add<T>(a, lch);
  const hi = add<T>(hi1, rh);
  const err = add<T>(add<T>(sub<T>(a, hi1), lch), add<T>(sub<T>(hi1, hi), rh));
  const r2 = mul<T>(r, r);
  const r4 = mul<T>(r2, r2);
  const k = TABLE + (P2 << 3);
  const p = add<T>(add<T>(add<T>(ld<T>(k), mul<T>(r, ld<T>(k + 8))), mul<T>(r2, add<T>(ld<T>(k + 16), mul<T>(r, ld<T>(k + 24))))),
    mul<T>(r4, add<T>(add<T>(ld<T>(k + 32), mul<T>(r, ld<T>(k + 40))), mul<T>(r2, ld<T>(k + 48)))));
  const lo = add<T>(add<T>(err, add<T>(lcl, mul<T>(dk, c<T>(LN2_LO)))), add<T>(rl, mul<T>(r2, p)));
  return add<T>(hi, lo);
}

/** ln x. Bit-identical to each lane of logF64x2. */
export function logF64(x: f64): f64 {
  if (!(x >= c<f64>(MIN_NORMAL) && x < c<f64>(INF))) return Math.log(x);
  return logCore<f64>(x);
}

/** Whether both lanes are in logCore's range, normal and finite (3), else which are (bits 0 and 1). */
// @ts-ignore: decorator
@inline function logLanesOk(x: v128): i32 {
  return i64x2.bitmask(v128.and(f64x2.ge(x, c<v128>(MIN_NORMAL)), f64x2.lt(x, c<v128>(INF))));
}

/** ln x in each lane. Bit-identical to logF64 on each lane. */
// @ts-ignore: decorator
@inline export function logF64x2(x: v128): v128 {
  let y = logCore<v128>(x);
  if (logLanesOk(x) != 3) {
    // The lanes outside the fast path by the scalar form (rare).
    y = f64x2.replace_lane(y, 0, logF64(f64x2.extract_lane(x, 0)));
    y = f64x2.replace_lane(y, 1, logF64(f64x2.extract_lane(x, 1)));
  }
  return y;
}

/** The scalar form for both values at ps, into pd. */
function logPairScalar(pd: usize, ps: usize): void {
  store<f64>(pd, logF64(load<f64>(ps)));
  store<f64>(pd, logF64(load<f64>(ps, 8)), 8);
}

/**
 * dst[i] = ln src[i] for i < n, two at a time (dst and src the same array or not
 * overlapping): each pair by logCore, stored, and where a lane is outside its range (rare),
 * both values again by the scalar form.
 */
export function mapLog(dst: usize, src: usize, n: i32): void {
  let i = 0;
  for (; i + 3 < n; i += 4) {
    const ps = src + (<usize>i << 3);
    const pd = dst + (<usize>i << 3);
    const x = v128.load(ps);
    const x1 = v128.load(ps, 16);
    v128.store(pd, logCore<v128>(x));
    v128.store(pd, logCore<v128>(x1), 16);
    if ((logLanesOk(x) & logLanesOk(x1)) != 3) { logPairScalar(pd, ps); logPairScalar(pd + 16, ps + 16); }
  }
  for (; i + 1 < n; i += 2) {
    const ps = src + (<usize>i << 3);
    const pd = dst + (<usize>i << 3);
    const x = v128.load(ps);
    v128.store(pd, logCore<v128>(x));
    if (logLanesOk(x) != 3) logPairScalar(pd, ps);
  }
  if (i < n) store<f64>(dst + (<usize>i << 3), logF64(load<f64>(src + (<usize>i << 3))));
}
