//! Random-number streams: the one place a generator is built.
//!
//! Every stochastic process in a replication draws from its own stream, named by a
//! [`StreamId`]. A stream is a Xoshiro256++ generator whose 256-bit state is computed
//! from (master seed, replication, stream number) by SplitMix64 mixing steps arranged so
//! the map is injective: the third word determines the stream number, and given it the
//! first two determine the seed and the replication. Every word depends on the stream,
//! so neighbouring streams start far apart. Building a stream costs a few dozen
//! instructions, which matters because every family episode has its own.
//!
//! The mapping depends on nothing but those three numbers: not on thread, order of
//! execution or policy. That makes results identical for any thread count, and makes
//! common random numbers work: two policies run on the same (seed, replication) see the
//! same families and absences, because families and staff never draw from a stream the
//! policy touches.
//!
//! Changing this scheme changes every result; [`STREAM_SCHEME`] names the version and
//! is recorded in run manifests.

use rand::SeedableRng;
use rand_xoshiro::Xoshiro256PlusPlus;

/// The generator used for every stream.
pub type Rng = Xoshiro256PlusPlus;

/// Version of the stream-derivation scheme, recorded in manifests.
pub const STREAM_SCHEME: &str = "xoshiro256++-v2: state = splitmix64 mixes of (master seed, replication, stream number); \
     staff streams keyed by post group and member; family fields keyed by field (splitmix64 counters)";

/// A generator seeded from `seed` alone, outside the stream scheme: for the bare
/// benchmark loops ([`crate::floor`]), which stand for what any plain simulation does.
pub fn plain(seed: u64) -> Rng {
    Rng::seed_from_u64(seed)
}

/// The SplitMix64 finaliser: a bijection on 64-bit words with full avalanche.
const fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

const K: [u64; 4] = [
    0x9e37_79b9_7f4a_7c15,
    0xd1b5_4a32_d192_ed03,
    0x8cb9_2ba7_2f3d_8dd7,
    0xf135_7aea_2e62_a9c5,
];

/// The name of one random-number stream within a replication.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum StreamId {
    /// Referral arrival times for one authority.
    Arrivals { authority: u16 },
    /// Everything about one referral episode: its attributes, its route through the
    /// pathway and its durations. `episode` 0 is a first referral, 1 its first
    /// re-referral, and so on; `index` counts first referrals within the authority.
    Family {
        authority: u16,
        episode: u8,
        index: u32,
    },
    /// Availability of one staff post: recruitment, leave, sickness, turnover. The key
    /// names the post by its group and place in it ([`staff_key`]), not by its position
    /// among all posts, so a variant that adds a post leaves the others' draws alone.
    Staff { key: u64 },
    /// Parameters sampled once per replication (parameter uncertainty), one stream per
    /// uncertain parameter so adding uncertainty to one leaves the others' draws alone.
    Parameters { slot: u32 },
    /// An experiment's own design (e.g. a Latin hypercube's points), drawn once per batch
    /// seed: replication number 0 of the master seed, never a simulated replication's.
    Design { experiment: u32 },
}

impl StreamId {
    /// The 64-bit stream number; distinct ids give distinct numbers.
    fn number(self) -> u64 {
        match self {
            StreamId::Arrivals { authority } => (1 << 56) | u64::from(authority),
            StreamId::Family {
                authority,
                episode,
                index,
            } => {
                (2 << 56)
                    | (u64::from(authority) << 40)
                    | (u64::from(episode) << 32)
                    | u64::from(index)
            }
            StreamId::Staff { key } => (3 << 56) | (key & STAFF_KEY_MASK),
            StreamId::Parameters { slot } => (4 << 56) | u64::from(slot),
            StreamId::Design { experiment } => (5 << 56) | u64::from(experiment),
        }
    }
}

/// The bits of a staff key that name the stream.
const STAFF_KEY_MASK: u64 = (1 << 56) - 1;

/// A 64-bit key for a piece of text (FNV-1a, then mixed): stable across runs, machines
/// and versions, unlike the standard library's hasher.
pub fn text_key(text: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in text.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    mix(h)
}

/// The key of member `member` of the staff group whose [`text_key`] is `group`: 40 bits
/// of the group's key above 16 bits of the member's place (groups hold at most 1,000).
pub fn staff_key(group: u64, member: u32) -> u64 {
    ((group & ((1 << 40) - 1)) << 16) | u64::from(member & 0xffff)
}

/// The draws of one family episode, one independent counter-based sequence per field:
/// changing how one field is drawn (its distribution, or whether it is drawn at all)
/// leaves every other field's draws as they were, so scenario variants stay paired.
#[derive(Debug, Clone, Copy)]
pub struct Keyed {
    key: u64,
}

impl Keyed {
    /// A uniform draw in [0, 1) for field `field`: the `field`-th output of a SplitMix64
    /// sequence started at the family's key.
    #[inline]
    pub fn uniform(&self, field: u32) -> f64 {
        let z = mix(self
            .key
            .wrapping_add(K[0].wrapping_mul(u64::from(field) + 1)));
        (z >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// A generator for field `field`, for draws that may take several uniforms (a
    /// distribution's sample).
    #[inline]
    pub fn stream(&self, field: u32) -> rand_xoshiro::SplitMix64 {
        rand_xoshiro::SplitMix64::seed_from_u64(mix(
            self.key ^ K[1].wrapping_mul(u64::from(field) + 1)
        ))
    }
}

/// The streams of one replication of one batch.
#[derive(Debug, Clone, Copy)]
pub struct Streams {
    seed: u64,
    replication: u64,
    /// The part of every stream's last state word that depends only on the batch and
    /// replication, mixed once here rather than for every stream.
    shared: u64,
}

impl Streams {
    /// Streams for replication `replication` of a batch with master seed `master_seed`.
    pub fn new(master_seed: u64, replication: u64) -> Streams {
        Streams {
            seed: master_seed,
            replication,
            shared: mix(master_seed ^ replication.rotate_left(32) ^ K[3]),
        }
    }

    /// The generator state for a stream (injective in seed, replication and stream).
    fn state(&self, id: StreamId) -> [u64; 4] {
        let n = id.number();
        let s2 = mix(n ^ K[2]);
        let s0 = mix(self.seed ^ mix(n ^ K[0]));
        let s1 = mix(self.replication ^ mix(n ^ K[1]));
        let s3 = self.shared ^ s2;
        if s0 | s1 | s2 | s3 == 0 {
            // the one state Xoshiro cannot use; unreachable in practice
            return [0, 0, 0, 1];
        }
        [s0, s1, s2, s3]
    }

    /// The per-field draws of a family episode (or any stream used that way).
    #[inline]
    pub fn keyed(&self, id: StreamId) -> Keyed {
        let [s0, s1, s2, s3] = self.state(id);
        Keyed {
            key: mix(s0 ^ s1.rotate_left(17) ^ s2.rotate_left(31) ^ s3.rotate_left(47)),
        }
    }

    /// A fresh generator for the named stream, positioned at its start.
    #[inline]
    pub fn stream(&self, id: StreamId) -> Rng {
        let mut bytes = [0u8; 32];
        for (chunk, word) in bytes.chunks_exact_mut(8).zip(self.state(id)) {
            chunk.copy_from_slice(&word.to_le_bytes());
        }
        Xoshiro256PlusPlus::from_seed(bytes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::RngCore;

    #[test]
    fn same_name_same_draws_different_name_different_draws() {
        let s = Streams::new(42, 7);
        let a = StreamId::Arrivals { authority: 1 };
        let b = StreamId::Arrivals { authority: 2 };
        assert_eq!(s.stream(a).next_u64(), s.stream(a).next_u64());
        assert_ne!(s.stream(a).next_u64(), s.stream(b).next_u64());
    }

    #[test]
    fn replications_and_seeds_are_distinct() {
        let id = StreamId::Parameters { slot: 0 };
        let x = Streams::new(1, 0).stream(id).next_u64();
        assert_ne!(x, Streams::new(1, 1).stream(id).next_u64());
        assert_ne!(x, Streams::new(2, 0).stream(id).next_u64());
        // seed and replication are not interchangeable
        assert_ne!(
            Streams::new(1, 2).stream(id).next_u64(),
            Streams::new(2, 1).stream(id).next_u64()
        );
    }

    #[test]
    fn stream_numbers_are_injective_over_fields() {
        let mut seen = std::collections::BTreeSet::new();
        for authority in 0..4u16 {
            assert!(seen.insert(StreamId::Arrivals { authority }.number()));
            for episode in 0..3u8 {
                for index in [0u32, 1, 2, u32::MAX] {
                    let id = StreamId::Family {
                        authority,
                        episode,
                        index,
                    };
                    assert!(seen.insert(id.number()));
                }
            }
        }
        for post in [0u32, 1, 16, u32::MAX] {
            assert!(
                seen.insert(
                    StreamId::Staff {
                        key: u64::from(post)
                    }
                    .number()
                )
            );
        }
        assert!(seen.insert(StreamId::Parameters { slot: 0 }.number()));
        assert!(seen.insert(StreamId::Parameters { slot: 1 }.number()));
    }

    #[test]
    fn states_are_injective_in_seed_replication_and_stream() {
        let mut seen = std::collections::BTreeSet::new();
        for seed in [0u64, 1, 2, u64::MAX] {
            for rep in [0u64, 1, 2, u64::MAX] {
                for index in 0..50u32 {
                    let id = StreamId::Family {
                        authority: 0,
                        episode: 0,
                        index,
                    };
                    assert!(seen.insert(Streams::new(seed, rep).state(id)));
                }
            }
        }
    }

    /// Neighbouring family streams are uncorrelated: the first draws of 20,000
    /// consecutive streams have the mean and lag-1 correlation of independent uniforms.
    #[test]
    fn neighbouring_streams_look_independent() {
        use rand::Rng as _;
        let s = Streams::new(1, 0);
        let xs: Vec<f64> = (0..20_000u32)
            .map(|index| {
                s.stream(StreamId::Family {
                    authority: 0,
                    episode: 0,
                    index,
                })
                .random::<f64>()
            })
            .collect();
        let n = xs.len() as f64;
        let mean = xs.iter().sum::<f64>() / n;
        // sd of the mean of n uniforms: sqrt(1/12/n) ≈ 0.002
        assert!((mean - 0.5).abs() < 0.01, "mean {mean}");
        let var = xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / n;
        let lag1 = xs
            .windows(2)
            .map(|w| (w[0] - mean) * (w[1] - mean))
            .sum::<f64>()
            / (n - 1.0)
            / var;
        // sd of a lag-1 correlation of independent draws: 1/sqrt(n) ≈ 0.007
        assert!(lag1.abs() < 0.03, "lag-1 correlation {lag1}");
    }

    #[test]
    fn extreme_seeds_work() {
        for seed in [0, u64::MAX] {
            let mut r = Streams::new(seed, u64::MAX).stream(StreamId::Parameters { slot: 0 });
            let _ = r.next_u64();
        }
    }
}
