//! Exact money: [`Pence`], a whole number of pence in an `i64`.
//!
//! This module owns the representation of amounts of money and every rounding rule applied
//! to them. It knows nothing about budgets, salaries or scenario files.
//!
//! Amounts are never held as floating point. The only places a float meets money are
//! explicit and documented:
//!
//! - [`Pence::from_pounds_f64_exact`] accepts a number of pounds as typed in a scenario file
//!   and refuses it unless it is a whole number of pence;
//! - [`Pence::mul_f64_rounded`] multiplies a rate by a measured quantity (miles, a pay award
//!   fraction) and rounds the exact product to the penny, half to even;
//! - serialization writes pounds as a JSON number (see the `Serialize` impl).
//!
//! Arithmetic with the operators (`+`, `-`, `*`, `Sum`) follows `i64`: it panics on overflow
//! in debug builds. Use the `checked_*` methods where the operands are not known to be small.

use std::fmt;
use std::iter::Sum;
use std::ops::{Add, AddAssign, Mul, Neg, Sub, SubAssign};

use serde::{Serialize, Serializer};

/// The largest number of pounds [`Pence::from_pounds_f64_exact`] accepts (ten trillion).
///
/// Below this bound every amount with at most two decimal places is represented by an `f64`
/// closely enough to recover its pence exactly.
pub const MAX_EXACT_POUNDS_F64: f64 = 1.0e13;

/// An exact amount of money in pence (hundredths of a pound sterling); may be negative.
///
/// `Display` writes pounds with thousands separators: `£1,234,567` for whole pounds,
/// `£1,234.50` otherwise, `-£30,764` when negative. It honours width and alignment
/// (`{:>12}`).
///
/// `Serialize` writes a number of **pounds**: an integer when the amount is whole pounds
/// (`811961`), otherwise a float with at most two decimal places (`0.45`, `-12.5`). The float
/// is the nearest `f64` to the exact decimal and prints as that decimal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Pence(i64);

impl Pence {
    /// Zero pence.
    pub const ZERO: Pence = Pence(0);

    /// An amount of `pence` pence.
    pub const fn from_pence(pence: i64) -> Pence {
        Pence(pence)
    }

    /// A whole number of pounds.
    ///
    /// # Panics
    ///
    /// If `pounds × 100` does not fit in an `i64` (more than about £92 quadrillion); see
    /// [`Pence::checked_from_pounds`].
    pub const fn from_pounds(pounds: i64) -> Pence {
        match Pence::checked_from_pounds(pounds) {
            Some(amount) => amount,
            None => panic!("amount in pounds too large for Pence"),
        }
    }

    /// A whole number of pounds, or `None` if `pounds × 100` does not fit in an `i64`.
    pub const fn checked_from_pounds(pounds: i64) -> Option<Pence> {
        match pounds.checked_mul(100) {
            Some(pence) => Some(Pence(pence)),
            None => None,
        }
    }

    /// The amount of `pounds` if it is a whole number of pence, else `None`.
    ///
    /// Accepts a value with at most two decimal places as written in decimal (`0.45`,
    /// `1234.5`, `-5`); rejects `1.234`, NaN, infinities and magnitudes above
    /// [`MAX_EXACT_POUNDS_F64`]. "Two decimal places" means the `f64` is the nearest double
    /// to some whole number of pence divided by 100, which is exactly what parsing a decimal
    /// with at most two places produces.
    pub fn from_pounds_f64_exact(pounds: f64) -> Option<Pence> {
        if !pounds.is_finite() || pounds.abs() > MAX_EXACT_POUNDS_F64 {
            return None;
        }
        // |pounds × 100| ≤ 1e15 < 2^50, so the product is within a small fraction of a
        // penny of the intended whole number and `round` recovers it; the division below
        // is correctly rounded, so it reproduces `pounds` only for a two-place decimal.
        let pence = (pounds * 100.0).round();
        if pence / 100.0 != pounds {
            return None;
        }
        // In range by the bound above; `as` cannot saturate here.
        Some(Pence(pence as i64))
    }

    /// The amount in pence.
    pub const fn pence(self) -> i64 {
        self.0
    }

    /// The amount in whole pounds, rounding half a pound away from zero
    /// (£2.50 → 3, −£2.50 → −3, £2.49 → 2).
    pub const fn pounds_rounded(self) -> i64 {
        let whole = self.0 / 100;
        let rest = self.0 % 100;
        if rest >= 50 {
            whole + 1
        } else if rest <= -50 {
            whole - 1
        } else {
            whole
        }
    }

    /// Whether the amount is a whole number of pounds.
    pub const fn is_whole_pounds(self) -> bool {
        self.0 % 100 == 0
    }

    /// Whether the amount is below zero.
    pub const fn is_negative(self) -> bool {
        self.0 < 0
    }

    /// The absolute amount, or `None` for the one value whose absolute value overflows.
    pub const fn checked_abs(self) -> Option<Pence> {
        match self.0.checked_abs() {
            Some(pence) => Some(Pence(pence)),
            None => None,
        }
    }

    /// `self + other`, or `None` on overflow.
    pub const fn checked_add(self, other: Pence) -> Option<Pence> {
        match self.0.checked_add(other.0) {
            Some(pence) => Some(Pence(pence)),
            None => None,
        }
    }

    /// `self - other`, or `None` on overflow.
    pub const fn checked_sub(self, other: Pence) -> Option<Pence> {
        match self.0.checked_sub(other.0) {
            Some(pence) => Some(Pence(pence)),
            None => None,
        }
    }

    /// `self × factor`, or `None` on overflow.
    pub const fn checked_mul(self, factor: i64) -> Option<Pence> {
        match self.0.checked_mul(factor) {
            Some(pence) => Some(Pence(pence)),
            None => None,
        }
    }

    /// `-self`, or `None` on overflow.
    pub const fn checked_neg(self) -> Option<Pence> {
        match self.0.checked_neg() {
            Some(pence) => Some(Pence(pence)),
            None => None,
        }
    }

    /// `self × num / den`, rounded to the nearest penny with ties to even.
    ///
    /// The product is formed exactly in 128 bits before dividing, so
    /// `Pence::from_pence(45).mul_ratio_rounded(123, 10)` (45p a mile for 12.3 miles, the
    /// exact £5.535) is 554p (a tie, rounded to the even penny) and 123 miles at 45p
    /// computed as `mul_ratio_rounded(1230, 100)` is the same. Returns `None` if `den` is
    /// zero or the result does not fit.
    pub fn mul_ratio_rounded(self, num: i64, den: i64) -> Option<Pence> {
        if den == 0 {
            return None;
        }
        let mut product = i128::from(self.0) * i128::from(num);
        let mut den = i128::from(den);
        if den < 0 {
            product = -product;
            den = -den;
        }
        i64::try_from(div_round_half_even(product, den))
            .ok()
            .map(Pence)
    }

    /// `self × factor`, rounded to the nearest penny with ties to even.
    ///
    /// The product of the amount and the exact binary value of `factor` is computed exactly
    /// (in 128-bit integers) and rounded once, so no error accumulates from the float beyond
    /// the representation of `factor` itself. Use it for measured quantities such as
    /// simulated miles or a pay-award fraction; when the quantity is a known decimal, prefer
    /// [`Pence::mul_ratio_rounded`]. Returns `None` if `factor` is NaN or infinite or the
    /// result does not fit.
    pub fn mul_f64_rounded(self, factor: f64) -> Option<Pence> {
        if !factor.is_finite() {
            return None;
        }
        if factor == 0.0 || self.0 == 0 {
            return Some(Pence::ZERO);
        }
        let bits = factor.to_bits();
        let negative = bits >> 63 == 1;
        let exponent_bits = ((bits >> 52) & 0x7ff) as i32;
        let fraction = bits & ((1_u64 << 52) - 1);
        // factor = ±mantissa × 2^exponent exactly.
        let (mantissa, exponent) = if exponent_bits == 0 {
            (fraction, -1074)
        } else {
            (fraction | (1_u64 << 52), exponent_bits - 1075)
        };
        // |self| < 2^63 and mantissa < 2^53, so the product fits in 117 bits.
        let mut product = i128::from(self.0) * i128::from(mantissa);
        if negative {
            product = -product;
        }
        let result = if exponent >= 0 {
            if exponent > 63 {
                return None;
            }
            product.checked_mul(1_i128 << exponent)?
        } else if exponent < -126 {
            // |product| < 2^117, so the quotient is below one half: it rounds to zero.
            0
        } else {
            div_round_half_even(product, 1_i128 << (-exponent))
        };
        i64::try_from(result).ok().map(Pence)
    }
}

/// `n / d` rounded to the nearest integer, ties to even; `d` must be positive and at most
/// 2^126 so that twice the remainder cannot overflow.
fn div_round_half_even(n: i128, d: i128) -> i128 {
    debug_assert!(d > 0);
    let quotient = n.div_euclid(d);
    let twice_remainder = n.rem_euclid(d) * 2;
    if twice_remainder > d || (twice_remainder == d && quotient % 2 != 0) {
        quotient + 1
    } else {
        quotient
    }
}

impl fmt::Display for Pence {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let magnitude = self.0.unsigned_abs();
        let pounds = magnitude / 100;
        let pence = magnitude % 100;
        let mut text = String::with_capacity(24);
        if self.0 < 0 {
            text.push('-');
        }
        text.push('£');
        let digits = pounds.to_string();
        for (i, digit) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i).is_multiple_of(3) {
                text.push(',');
            }
            text.push(digit);
        }
        if pence != 0 {
            text.push('.');
            text.push_str(&format!("{pence:02}"));
        }
        f.pad(&text)
    }
}

impl Serialize for Pence {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        if self.is_whole_pounds() {
            serializer.serialize_i64(self.0 / 100)
        } else {
            // The nearest f64 to a two-place decimal prints back as that decimal.
            serializer.serialize_f64(self.0 as f64 / 100.0)
        }
    }
}

impl Add for Pence {
    type Output = Pence;
    fn add(self, other: Pence) -> Pence {
        Pence(self.0 + other.0)
    }
}

impl AddAssign for Pence {
    fn add_assign(&mut self, other: Pence) {
        self.0 += other.0;
    }
}

impl Sub for Pence {
    type Output = Pence;
    fn sub(self, other: Pence) -> Pence {
        Pence(self.0 - other.0)
    }
}

impl SubAssign for Pence {
    fn sub_assign(&mut self, other: Pence) {
        self.0 -= other.0;
    }
}

impl Neg for Pence {
    type Output = Pence;
    fn neg(self) -> Pence {
        Pence(-self.0)
    }
}

impl Mul<i64> for Pence {
    type Output = Pence;
    fn mul(self, factor: i64) -> Pence {
        Pence(self.0 * factor)
    }
}

impl Sum for Pence {
    fn sum<I: Iterator<Item = Pence>>(iter: I) -> Pence {
        iter.fold(Pence::ZERO, Add::add)
    }
}

impl<'a> Sum<&'a Pence> for Pence {
    fn sum<I: Iterator<Item = &'a Pence>>(iter: I) -> Pence {
        iter.copied().sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(pence: i64) -> Pence {
        Pence::from_pence(pence)
    }

    #[test]
    fn display_groups_thousands_and_shows_pence_only_when_needed() {
        assert_eq!(Pence::from_pounds(0).to_string(), "£0");
        assert_eq!(Pence::from_pounds(952).to_string(), "£952");
        assert_eq!(Pence::from_pounds(6_487).to_string(), "£6,487");
        assert_eq!(Pence::from_pounds(850_000).to_string(), "£850,000");
        assert_eq!(Pence::from_pounds(1_234_567).to_string(), "£1,234,567");
        assert_eq!(p(123_450).to_string(), "£1,234.50");
        assert_eq!(p(5).to_string(), "£0.05");
        assert_eq!(Pence::from_pounds(-30_764).to_string(), "-£30,764");
        assert_eq!(p(-45).to_string(), "-£0.45");
        assert_eq!(p(-100_000_001).to_string(), "-£1,000,000.01");
        assert_eq!(p(i64::MIN).to_string(), "-£92,233,720,368,547,758.08");
    }

    #[test]
    fn display_honours_width() {
        assert_eq!(format!("{:>10}", Pence::from_pounds(4_600)), "    £4,600");
        assert_eq!(format!("{:<8}|", Pence::from_pounds(952)), "£952    |");
    }

    #[test]
    fn pounds_rounded_goes_half_away_from_zero() {
        assert_eq!(p(250).pounds_rounded(), 3);
        assert_eq!(p(249).pounds_rounded(), 2);
        assert_eq!(p(-250).pounds_rounded(), -3);
        assert_eq!(p(-249).pounds_rounded(), -2);
        assert_eq!(p(150).pounds_rounded(), 2);
        assert_eq!(p(0).pounds_rounded(), 0);
        assert_eq!(p(i64::MAX).pounds_rounded(), i64::MAX / 100);
        assert_eq!(p(i64::MIN).pounds_rounded(), i64::MIN / 100);
        assert_eq!(p(i64::MAX - 7).pounds_rounded(), i64::MAX / 100);
        assert_eq!(p(-5_050).pounds_rounded(), -51);
    }

    #[test]
    fn from_pounds_f64_exact_accepts_two_places_only() {
        assert_eq!(Pence::from_pounds_f64_exact(0.45), Some(p(45)));
        assert_eq!(Pence::from_pounds_f64_exact(0.29), Some(p(29)));
        assert_eq!(Pence::from_pounds_f64_exact(1234.5), Some(p(123_450)));
        assert_eq!(Pence::from_pounds_f64_exact(850_000.0), Some(p(85_000_000)));
        assert_eq!(Pence::from_pounds_f64_exact(-5.0), Some(p(-500)));
        assert_eq!(Pence::from_pounds_f64_exact(-0.0), Some(p(0)));
        assert_eq!(Pence::from_pounds_f64_exact(1.234), None);
        assert_eq!(Pence::from_pounds_f64_exact(0.001), None);
        assert_eq!(Pence::from_pounds_f64_exact(f64::NAN), None);
        assert_eq!(Pence::from_pounds_f64_exact(f64::INFINITY), None);
        assert_eq!(Pence::from_pounds_f64_exact(1.0e14), None);
        assert_eq!(
            Pence::from_pounds_f64_exact(9_999_999_999_999.99),
            Some(p(999_999_999_999_999))
        );
    }

    #[test]
    fn every_two_place_decimal_round_trips() {
        for pence in (-100_000..100_000).chain(8_499_990_000..8_500_010_000) {
            let pounds: f64 = format!("{}.{:02}", pence / 100, (pence % 100_i64).abs())
                .parse()
                .unwrap();
            let pounds = if pence < 0 && pence > -100 {
                -pounds
            } else {
                pounds
            };
            assert_eq!(
                Pence::from_pounds_f64_exact(pounds),
                Some(p(pence)),
                "{pence}"
            );
        }
    }

    #[test]
    fn summing_ten_pence_a_thousand_times_is_exactly_one_hundred_pounds() {
        let ten_pence = Pence::from_pounds_f64_exact(0.10).unwrap();
        let total: Pence = std::iter::repeat_n(ten_pence, 1000).sum();
        assert_eq!(total, Pence::from_pounds(100));
        assert_eq!(total.to_string(), "£100");
        // The float sum drifts; the exact one does not.
        let float_total: f64 = std::iter::repeat_n(0.10_f64, 1000).sum();
        assert_ne!(float_total, 100.0);
    }

    #[test]
    fn operators_and_checked_forms_agree() {
        let a = Pence::from_pounds(44_445);
        let b = Pence::from_pounds(355_560);
        assert_eq!(a + b, Pence::from_pounds(400_005));
        assert_eq!(a - b, Pence::from_pounds(-311_115));
        assert_eq!(-a, Pence::from_pounds(-44_445));
        assert_eq!(a * 3, Pence::from_pounds(133_335));
        assert_eq!(a.checked_add(b), Some(a + b));
        assert_eq!(a.checked_sub(b), Some(a - b));
        assert_eq!(a.checked_mul(3), Some(a * 3));
        assert_eq!(a.checked_neg(), Some(-a));
        assert_eq!(p(i64::MAX).checked_add(p(1)), None);
        assert_eq!(p(i64::MIN).checked_sub(p(1)), None);
        assert_eq!(p(i64::MAX).checked_mul(2), None);
        assert_eq!(p(i64::MIN).checked_neg(), None);
        assert_eq!(Pence::checked_from_pounds(i64::MAX), None);
        let mut c = a;
        c += b;
        c -= a;
        assert_eq!(c, b);
        assert_eq!([a, b].iter().sum::<Pence>(), a + b);
    }

    #[test]
    fn mul_ratio_rounds_half_to_even() {
        // 45p × 12.3 miles = 553.5p: a tie, to the even 554p.
        assert_eq!(p(45).mul_ratio_rounded(123, 10), Some(p(554)));
        // 45p × 12.1 = 544.5p → 544p (even).
        assert_eq!(p(45).mul_ratio_rounded(121, 10), Some(p(544)));
        assert_eq!(p(45).mul_ratio_rounded(1211, 100), Some(p(545)));
        assert_eq!(p(-45).mul_ratio_rounded(123, 10), Some(p(-554)));
        assert_eq!(p(-45).mul_ratio_rounded(121, 10), Some(p(-544)));
        assert_eq!(p(45).mul_ratio_rounded(-121, 10), Some(p(-544)));
        assert_eq!(p(45).mul_ratio_rounded(121, -10), Some(p(-544)));
        assert_eq!(p(100).mul_ratio_rounded(1, 3), Some(p(33)));
        assert_eq!(p(200).mul_ratio_rounded(1, 3), Some(p(67)));
        assert_eq!(p(1).mul_ratio_rounded(1, 0), None);
        assert_eq!(p(i64::MAX).mul_ratio_rounded(2, 1), None);
        assert_eq!(
            p(i64::MAX).mul_ratio_rounded(i64::MAX, i64::MAX),
            Some(p(i64::MAX))
        );
    }

    #[test]
    fn mul_f64_rounds_the_exact_product() {
        assert_eq!(p(45).mul_f64_rounded(100.0), Some(p(4_500)));
        assert_eq!(p(45).mul_f64_rounded(0.5), Some(p(22))); // 22.5 → 22
        assert_eq!(p(47).mul_f64_rounded(0.5), Some(p(24))); // 23.5 → 24
        assert_eq!(p(-47).mul_f64_rounded(0.5), Some(p(-24)));
        assert_eq!(p(47).mul_f64_rounded(-0.5), Some(p(-24)));
        // 0.1 is slightly above one tenth in binary, so 5p × 0.1 is just above 0.5p.
        assert_eq!(p(5).mul_f64_rounded(0.1), Some(p(1)));
        // 12.1 is slightly below 12.1, so 45p × 12.1 is just below the 544.5p tie.
        assert_eq!(p(45).mul_f64_rounded(12.1), Some(p(544)));
        assert_eq!(p(4_592_300).mul_f64_rounded(0.01), Some(p(45_923)));
        assert_eq!(p(1).mul_f64_rounded(f64::MIN_POSITIVE / 2.0), Some(p(0)));
        assert_eq!(p(1).mul_f64_rounded(1.0e30), None);
        assert_eq!(p(1).mul_f64_rounded(f64::NAN), None);
        assert_eq!(p(1).mul_f64_rounded(f64::INFINITY), None);
        assert_eq!(p(0).mul_f64_rounded(1.0e300), Some(p(0)));
        assert_eq!(p(i64::MAX).mul_f64_rounded(1.0), Some(p(i64::MAX)));
    }

    #[test]
    fn serializes_as_pounds() {
        let json = serde_json::to_string(&[
            Pence::from_pounds(811_961),
            Pence::from_pounds(-30_764),
            p(45),
            p(-1_250),
            p(123_456),
        ])
        .unwrap();
        assert_eq!(json, "[811961,-30764,0.45,-12.5,1234.56]");
    }
}
