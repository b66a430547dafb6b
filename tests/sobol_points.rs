//! The Sobol sequence's direction numbers against the published Joe & Kuo
//! table (new-joe-kuo-6.21201, https://web.maths.unsw.edu.au/~fkuo/sobol/):
//! unscrambled points of dimensions 0-20 are recomputed here, independently of
//! the crate's parser and recurrence, from the table's (s, a, mᵢ) rows copied
//! below as literals, by Bratley & Fox's integer recurrence (ACM TOMS 14, 1988).

use demine::sampling::stream::{sobol_dimensions, sobol_point_unscrambled};

/// Rows d = 2..21 of new-joe-kuo-6.21201: (d, s, a, m₁..mₛ). Dimension d − 1 of the crate.
const JOE_KUO: [(usize, usize, u32, &[u64]); 20] = [
    (2, 1, 0, &[1]),
    (3, 2, 1, &[1, 3]),
    (4, 3, 1, &[1, 3, 1]),
    (5, 3, 2, &[1, 1, 1]),
    (6, 4, 1, &[1, 1, 3, 3]),
    (7, 4, 4, &[1, 3, 5, 13]),
    (8, 5, 2, &[1, 1, 5, 5, 17]),
    (9, 5, 4, &[1, 1, 5, 5, 5]),
    (10, 5, 7, &[1, 1, 7, 11, 19]),
    (11, 5, 11, &[1, 1, 5, 1, 1]),
    (12, 5, 13, &[1, 1, 1, 3, 11]),
    (13, 5, 14, &[1, 3, 5, 5, 31]),
    (14, 6, 1, &[1, 3, 3, 9, 7, 49]),
    (15, 6, 13, &[1, 1, 1, 15, 21, 21]),
    (16, 6, 16, &[1, 3, 1, 13, 27, 49]),
    (17, 6, 19, &[1, 1, 1, 15, 7, 5]),
    (18, 6, 22, &[1, 3, 1, 15, 13, 25]),
    (19, 6, 25, &[1, 1, 5, 5, 19, 61]),
    (20, 7, 1, &[1, 3, 7, 11, 23, 15, 103]),
    (21, 7, 4, &[1, 3, 7, 13, 13, 15, 69]),
];

/// Direction numbers V₁..V₃₂ (32-bit fractions) from the integers mₖ:
/// mₖ = 2a₁mₖ₋₁ ⊕ 2²a₂mₖ₋₂ ⊕ … ⊕ 2ˢ⁻¹aₛ₋₁mₖ₋ₛ₊₁ ⊕ 2ˢmₖ₋ₛ ⊕ mₖ₋ₛ and Vₖ = mₖ·2^(32−k),
/// where a = a₁a₂…aₛ₋₁ in binary (a₁ the most significant bit).
fn directions(s: usize, a: u32, m_init: &[u64]) -> [u32; 32] {
    let mut m: Vec<u64> = m_init.to_vec();
    for k in s..32 {
        let mut x = (m[k - s] << s) ^ m[k - s];
        for j in 1..s {
            let a_j = u64::from((a >> (s - 1 - j)) & 1);
            x ^= (a_j * m[k - j]) << j;
        }
        m.push(x);
    }
    let mut v = [0u32; 32];
    for (k, vk) in v.iter_mut().enumerate() {
        assert!(m[k] % 2 == 1 && m[k] < 1 << (k + 1), "m_{} = {} must be odd and below 2^{}", k + 1, m[k], k + 1);
        *vk = (m[k] << (31 - k)) as u32;
    }
    v
}

/// Every dimension's direction numbers: dimension 0 (van der Corput, all mₖ = 1), then the table.
fn all_directions() -> Vec<[u32; 32]> {
    let mut dirs: Vec<[u32; 32]> = vec![std::array::from_fn(|k| 1 << (31 - k))];
    for (d, s, a, m) in JOE_KUO {
        assert_eq!(m.len(), s, "row d = {d}");
        dirs.push(directions(s, a, m));
    }
    dirs
}

/// Point `i` in natural order: the XOR of Vₖ for every set bit k − 1 of i.
fn point(v: &[u32; 32], i: u32) -> u32 {
    (0..32).filter(|b| (i >> b) & 1 == 1).fold(0, |x, b| x ^ v[b])
}

#[test]
fn first_points_by_hand() {
    // Dimensions 0 and 1: 0, 1/2, 1/4, 3/4 and 0, 1/2, 3/4, 1/4 in natural order
    // (Gray-code order, as Joe & Kuo's program prints them: (1/2,1/2), (3/4,1/4), (1/4,3/4)).
    let f = |d: usize, i: u32| f64::from(sobol_point_unscrambled(d, i).unwrap()) / 4_294_967_296.0;
    assert_eq!([f(0, 0), f(0, 1), f(0, 2), f(0, 3)], [0.0, 0.5, 0.25, 0.75]);
    assert_eq!([f(1, 0), f(1, 1), f(1, 2), f(1, 3)], [0.0, 0.5, 0.75, 0.25]);
    // Dimension 2 (d = 3: s = 2, a = 1, m = 1, 3): V = 1/2, 3/4, then m₃ = 2·m₂ ⊕ 4·m₁ ⊕ m₁ = 6 ⊕ 5 = 3 → 3/8.
    assert_eq!([f(2, 1), f(2, 2), f(2, 4)], [0.5, 0.75, 0.375]);
    assert!(sobol_point_unscrambled(sobol_dimensions(), 1).is_none());
}

#[test]
fn dimensions_0_to_20_match_the_joe_kuo_table() {
    let dirs = all_directions();
    assert_eq!(dirs.len(), 21);
    let mut indices: Vec<u32> = (0..1 << 14).collect();
    indices.extend([1 << 20, (1 << 31) + 12_345, u32::MAX - 1, u32::MAX]);
    for (d, v) in dirs.iter().enumerate() {
        for &i in &indices {
            assert_eq!(sobol_point_unscrambled(d, i), Some(point(v, i)), "dimension {d}, point {i}");
        }
    }
}

#[test]
fn natural_order_holds_the_same_points_as_gray_code_order_at_powers_of_two() {
    // Joe & Kuo's generator walks the points in Gray-code order; the first 2^m
    // points are the same set in either order.
    let dirs = all_directions();
    for m in [3u32, 7, 10] {
        for (d, v) in dirs.iter().enumerate() {
            let mut gray: Vec<u32> = Vec::new();
            let mut x = 0u32;
            for i in 0u32..(1 << m) {
                gray.push(x);
                x ^= v[(!i).trailing_zeros() as usize];
            }
            let mut natural: Vec<u32> = (0..1 << m).map(|i| sobol_point_unscrambled(d, i).unwrap()).collect();
            gray.sort_unstable();
            natural.sort_unstable();
            assert_eq!(gray, natural, "dimension {d}, 2^{m} points");
        }
    }
}
