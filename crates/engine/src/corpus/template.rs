//! A tiny template language for the corpus, so that a few hundred templates give tens of
//! thousands of distinct sentences (natural-looking n-gram statistics, not 20 repeated lines).
//!
//! Syntax: `(a|b|c)` picks one alternative, `[x]` includes `x` half of the time, `{slot}` is
//! filled by the caller. Groups nest. A malformed template is copied as it is (never a panic).

use rand_core::{Rng, SeedableRng};
use rand_pcg::Pcg64Mcg;

/// The corpus' random source: a seeded PCG, the same natively and in wasm.
pub(crate) struct Dice(Pcg64Mcg);

impl Dice {
    pub(crate) fn new(seed: u64) -> Dice {
        Dice(Pcg64Mcg::seed_from_u64(seed))
    }

    /// A uniform integer in `0..n` (0 when `n` is 0).
    pub(crate) fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            return 0;
        }
        // Lemire's multiply-shift: unbiased enough for a corpus, and branch-free.
        ((u128::from(self.0.next_u64()) * n as u128) >> 64) as usize
    }

    /// A uniform integer in `low..=high`.
    pub(crate) fn between(&mut self, low: u64, high: u64) -> u64 {
        if high <= low {
            return low;
        }
        low + self.below((high - low + 1) as usize) as u64
    }

    /// A uniform float in `0..1`.
    pub(crate) fn unit(&mut self) -> f64 {
        (self.0.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    pub(crate) fn chance(&mut self, probability: f64) -> bool {
        self.unit() < probability
    }

    /// A uniform pick from a non-empty table (all tables are static data).
    pub(crate) fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len()).min(items.len().saturating_sub(1))]
    }

    /// An index drawn with probability proportional to `weights`.
    pub(crate) fn weighted(&mut self, weights: &[f64]) -> usize {
        let total: f64 = weights.iter().sum();
        let mut target = self.unit() * total;
        for (index, weight) in weights.iter().enumerate() {
            if target < *weight {
                return index;
            }
            target -= weight;
        }
        weights.len().saturating_sub(1)
    }
}

/// What a template needs from its caller: randomness and slot values.
pub(crate) trait Slots {
    fn dice(&mut self) -> &mut Dice;
    /// Appends the value of `{name}` to `out`.
    fn fill(&mut self, name: &str, out: &mut String);
}

/// Expands `template` into `out`.
pub(crate) fn expand<S: Slots + ?Sized>(slots: &mut S, template: &str, out: &mut String) {
    let bytes = template.as_bytes();
    let mut index = 0;
    while index < bytes.len() {
        match bytes[index] {
            b'(' => match group_end(bytes, index, b'(', b')') {
                Some(end) => {
                    let inner = &template[index + 1..end];
                    let alternatives = split_top_level(inner);
                    let choice = slots.dice().below(alternatives.len());
                    expand(slots, alternatives[choice], out);
                    index = end + 1;
                }
                None => {
                    out.push('(');
                    index += 1;
                }
            },
            b'[' => match group_end(bytes, index, b'[', b']') {
                Some(end) => {
                    if slots.dice().chance(0.5) {
                        expand(slots, &template[index + 1..end], out);
                    }
                    index = end + 1;
                }
                None => {
                    out.push('[');
                    index += 1;
                }
            },
            b'{' => match template[index..].find('}') {
                Some(offset) => {
                    slots.fill(&template[index + 1..index + offset], out);
                    index += offset + 1;
                }
                None => {
                    out.push('{');
                    index += 1;
                }
            },
            _ => {
                // Copy the literal run up to the next special character in one go.
                let run = bytes[index..]
                    .iter()
                    .position(|byte| matches!(byte, b'(' | b'[' | b'{'))
                    .map_or(bytes.len(), |offset| index + offset);
                out.push_str(&template[index..run]);
                index = run;
            }
        }
    }
}

/// The index of the bracket closing the one at `start`, counting nesting of the same kind.
fn group_end(bytes: &[u8], start: usize, open: u8, close: u8) -> Option<usize> {
    let mut depth = 0usize;
    for (offset, byte) in bytes[start..].iter().enumerate() {
        if *byte == open {
            depth += 1;
        } else if *byte == close {
            depth -= 1;
            if depth == 0 {
                return Some(start + offset);
            }
        }
    }
    None
}

/// Splits `a|b(c|d)|e` into `["a", "b(c|d)", "e"]`.
fn split_top_level(inner: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let mut depth = 0i32;
    let mut last = 0;
    for (index, byte) in inner.bytes().enumerate() {
        match byte {
            b'(' | b'[' => depth += 1,
            b')' | b']' => depth -= 1,
            b'|' if depth == 0 => {
                parts.push(&inner[last..index]);
                last = index + 1;
            }
            _ => {}
        }
    }
    parts.push(&inner[last..]);
    parts
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Fixed(Dice);
    impl Slots for Fixed {
        fn dice(&mut self) -> &mut Dice {
            &mut self.0
        }
        fn fill(&mut self, name: &str, out: &mut String) {
            out.push_str(&name.to_uppercase());
        }
    }

    fn all_expansions(template: &str) -> std::collections::BTreeSet<String> {
        let mut slots = Fixed(Dice::new(7));
        (0..400)
            .map(|_| {
                let mut out = String::new();
                expand(&mut slots, template, &mut out);
                out
            })
            .collect()
    }

    #[test]
    fn alternatives_options_and_slots_expand() {
        let seen = all_expansions("(we|I) [really ]need {thing}");
        let expected: std::collections::BTreeSet<String> = [
            "we need THING",
            "we really need THING",
            "I need THING",
            "I really need THING",
        ]
        .into_iter()
        .map(String::from)
        .collect();
        assert_eq!(seen, expected);
    }

    #[test]
    fn nested_groups_expand() {
        let seen = all_expansions("a(b|c(d|e))");
        assert_eq!(seen.into_iter().collect::<Vec<_>>(), ["ab", "acd", "ace"]);
    }

    #[test]
    fn malformed_templates_are_copied() {
        assert_eq!(
            all_expansions("a(b").into_iter().collect::<Vec<_>>(),
            ["a(b"]
        );
        assert_eq!(
            all_expansions("x{y").into_iter().collect::<Vec<_>>(),
            ["x{y"]
        );
    }
}
