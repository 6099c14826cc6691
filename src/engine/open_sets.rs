//! Sets of worker slots per base, one bit per slot, so that a search visits only the
//! workers that may take a family rather than every worker at the base.

/// A set of worker slots per base, one bit each: base `b`'s slots are bits of
/// `words[start[b]..start[b + 1]]`, slot `k` at bit `k % 64` of word `k / 64`.
#[derive(Debug, Default)]
pub(super) struct OpenSets {
    words: Vec<u64>,
    start: Vec<usize>,
}

impl OpenSets {
    /// Empty sets sized for the bases' workers, keeping the buffers.
    pub(super) fn reset(&mut self, at_base: &[Vec<usize>]) {
        self.start.clear();
        self.start.push(0);
        let mut end = 0;
        for workers in at_base {
            end += workers.len().div_ceil(64);
            self.start.push(end);
        }
        self.words.clear();
        self.words.resize(end, 0);
    }

    /// Put `slot` of base `base` in its set (`member`) or take it out.
    pub(super) fn set(&mut self, base: usize, slot: usize, member: bool) {
        let word = &mut self.words[self.start[base] + slot / 64];
        let bit = 1u64 << (slot % 64);
        if member {
            *word |= bit;
        } else {
            *word &= !bit;
        }
    }

    /// Whether base `base`'s set has no slots.
    pub(super) fn is_empty(&self, base: usize) -> bool {
        self.words[self.start[base]..self.start[base + 1]]
            .iter()
            .all(|&w| w == 0)
    }

    /// The slots in base `base`'s set, in increasing order.
    pub(super) fn slots(&self, base: usize) -> Slots<'_> {
        Slots {
            words: &self.words[self.start[base]..self.start[base + 1]],
            word: 0,
            rest: 0,
        }
    }
}

/// Iterator over the slots of one base's set ([`OpenSets::slots`]).
pub(super) struct Slots<'a> {
    words: &'a [u64],
    /// Index of the next word to load; the bits of word `word - 1` not yet visited are
    /// in `rest`.
    word: usize,
    rest: u64,
}

impl Iterator for Slots<'_> {
    type Item = usize;

    #[inline]
    fn next(&mut self) -> Option<usize> {
        while self.rest == 0 {
            self.rest = *self.words.get(self.word)?;
            self.word += 1;
        }
        let bit = self.rest.trailing_zeros() as usize;
        self.rest &= self.rest - 1;
        Some((self.word - 1) * 64 + bit)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    proptest::proptest! {
        /// After any sequence of insertions and removals, each base's set lists exactly the
        /// slots a plain set holds, in increasing order, including bases of more than 64
        /// slots and bases with none.
        #[test]
        fn sets_agree_with_a_plain_set(
            sizes in proptest::collection::vec(0usize..150, 1..4),
            ops in proptest::collection::vec((0usize..4, 0usize..150, proptest::bool::ANY), 0..400),
        ) {
            let at_base: Vec<Vec<usize>> = sizes.iter().map(|&n| (0..n).collect()).collect();
            let mut sets = OpenSets::default();
            sets.reset(&at_base);
            let mut model = vec![BTreeSet::new(); sizes.len()];
            for (base, slot, member) in ops {
                let base = base % sizes.len();
                if sizes[base] == 0 {
                    continue;
                }
                let slot = slot % sizes[base];
                sets.set(base, slot, member);
                if member {
                    model[base].insert(slot);
                } else {
                    model[base].remove(&slot);
                }
            }
            for (base, expected) in model.iter().enumerate() {
                let got: Vec<usize> = sets.slots(base).collect();
                let expected: Vec<usize> = expected.iter().copied().collect();
                proptest::prop_assert_eq!(&got, &expected);
                proptest::prop_assert_eq!(sets.is_empty(base), expected.is_empty());
            }
        }
    }
}
