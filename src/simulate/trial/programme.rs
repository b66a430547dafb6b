//! The programme's bill, summed year by year in three bases (real, nominal, present value),
//! with the funding left unspent and the shortfall: what both engines' year loops add to.
//!
//! # Formula
//! ```text
//! cost in year y  e(y)·[(1 + o)·(Σ_p E_p·F_p·a_p(y) + mobilisation + variable cost of the work done in y) + C·a(y)]
//!                 a_p(y): share of year y before pool p's last work ends; a(y): before the programme ends
//! nominal         × (1 + inflation)^(start + y − price year)
//! present value   × (1 + r)^−(y + ½)
//! ```

use super::params::Prices;
use super::plan::YearMoney;
use crate::model::Scenario;

/// A trial's programme cost, summed year by year.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct ProgrammeCost {
    pub real: f64,
    pub nominal: f64,
    pub present_value: f64,
    pub first_10_years: f64,
    pub unspent: f64,
    pub shortfall: f64,
    /// The next year's escalation, inflation and discount factors, carried from year to year
    /// (the years come in order from 0): no `powf` per year.
    factors: [f64; 3],
}

/// The discount factors (1 + r)^−(y + ½) of the years 0, 1, ..., as
/// [`ProgrammeCost`] carries them from year to year (the first by `powf`, each
/// next one divided by 1 + r), kept while the rate stays the same from trial to
/// trial: the chain of divisions is the slowest part of a year's bill.
#[derive(Clone, Debug, Default)]
pub(crate) struct Discounts {
    /// The rate's bits.
    rate: u64,
    factors: Vec<f64>,
}

impl Discounts {
    /// The factors of the first `years` years at `prices`' discount rate.
    pub(crate) fn factors(&mut self, prices: &Prices, years: usize) -> &[f64] {
        if self.rate != prices.discount.to_bits() || self.factors.len() < years {
            self.rate = prices.discount.to_bits();
            self.factors.clear();
            let mut d = (1.0 + prices.discount).powf(-0.5);
            for _ in 0..years {
                self.factors.push(d);
                d /= 1.0 + prices.discount;
            }
        }
        &self.factors[..years]
    }

    /// Year 0's factor, (1 + r)^−½, as [`Discounts::factors`] computes it.
    pub(crate) fn first(&mut self, prices: &Prices) -> f64 {
        self.factors(prices, 1)[0]
    }
}

/// One year's programme cost, in the three bases.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct YearCost {
    pub real: f64,
    pub nominal: f64,
    pub unspent: f64,
    pub shortfall: f64,
}

impl ProgrammeCost {
    /// An empty bill for a trial with these prices; `first_discount` is year 0's discount
    /// factor, (1 + r)^−½ ([`Discounts::first`] keeps it from trial to trial).
    pub(crate) fn new(s: &Scenario, prices: &Prices, first_discount: f64) -> Self {
        let years_from_price_year = s.start_year().saturating_sub(s.price_year());
        ProgrammeCost {
            factors: [1.0, (1.0 + prices.inflation).powi(years_from_price_year), first_discount],
            ..ProgrammeCost::default()
        }
    }

    /// Adds year `y`'s cost before escalation (`base`, overhead included) and its funding; years
    /// come in order from 0.
    pub(crate) fn add_year(&mut self, prices: &Prices, y: usize, base: f64, money: YearMoney) -> YearCost {
        let [esc, inflation, discount] = self.factors;
        let real = base * esc;
        let nominal = real * inflation;
        self.real += real;
        self.nominal += nominal;
        self.present_value += real * discount;
        self.factors =
            [esc * (1.0 + prices.escalation), inflation * (1.0 + prices.inflation), discount / (1.0 + prices.discount)];
        if y < 10 {
            self.first_10_years += real;
        }
        let (unspent, shortfall) = match money.funding {
            Some(f) => ((f - real).max(0.0), (money.planned - f).max(0.0)),
            None => (0.0, 0.0),
        };
        self.unspent += unspent;
        self.shortfall += shortfall;
        YearCost { real, nominal, unspent, shortfall }
    }
}

impl ProgrammeCost {
    /// Adds the years from 0 on without funding, each year's cost before
    /// escalation (`bases`, overhead included) in order, with the discount
    /// factors of [`Discounts::factors`]: what [`ProgrammeCost::add_year`]
    /// adds, year after year, kept in registers. The bill is then complete.
    pub(crate) fn add_unfunded_years(&mut self, prices: &Prices, bases: &[f64], discounts: &[f64]) {
        let [mut esc, mut inflation, _] = self.factors;
        let mut b = *self;
        for (y, (&base, &discount)) in bases.iter().zip(discounts).enumerate() {
            let real = base * esc;
            let nominal = real * inflation;
            b.real += real;
            b.nominal += nominal;
            b.present_value += real * discount;
            esc *= 1.0 + prices.escalation;
            inflation *= 1.0 + prices.inflation;
            if y < 10 {
                b.first_10_years += real;
            }
        }
        b.factors = [esc, inflation, f64::NAN];
        *self = b;
    }
}

/// The share of year `y` before time `t` (years since the start).
#[inline]
pub(crate) fn active(y: usize, t: f64) -> f64 {
    (t - y as f64).clamp(0.0, 1.0)
}
