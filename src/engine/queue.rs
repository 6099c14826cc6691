//! The event queue: a 4-ary heap ordered by `(time, class, sequence)`.
//!
//! At one instant events run in a written-down order of classes — releases (a stage
//! ends, a family withdraws) before capacity changes (staff leave, return, join)
//! before allocation triggers before new arrivals before measurement samples — so a
//! worker who frees room at time t can take a family arriving at t with zero wait.
//! Within a class, insertion order breaks ties; ties never consume random draws.

use crate::time::SimTime;

/// Ordering class of an event at one instant; lower runs first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Class {
    Release = 0,
    Capacity = 1,
    Allocate = 2,
    Arrival = 3,
    Sample = 4,
}

/// What happens.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Event {
    /// The next first referral for an authority.
    Arrival { authority: u16 },
    /// A closed family is referred again.
    Rereferral {
        authority: u16,
        episode: u8,
        index: u32,
    },
    /// The family's current stage ends (if `version` still matches).
    StageEnd { family: u32, version: u32 },
    /// The family's patience runs out (if it is still waiting).
    Withdraw { family: u32 },
    /// The family has waited long enough to be offered to other bases.
    ShareEligible { family: u32 },
    /// A change in a post's availability.
    Staff { post: u32, change: StaffChange },
    /// The board's periodic review of where posts are based (rebased policy).
    Review { number: u32 },
    /// Weekly measurement.
    Sample { week: u32 },
}

impl Event {
    fn class(&self) -> Class {
        match self {
            Event::StageEnd { .. } | Event::Withdraw { .. } => Class::Release,
            Event::Staff { .. } | Event::Review { .. } => Class::Capacity,
            Event::ShareEligible { .. } => Class::Allocate,
            Event::Arrival { .. } | Event::Rereferral { .. } => Class::Arrival,
            Event::Sample { .. } => Class::Sample,
        }
    }
}

/// A change in a post's availability.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum StaffChange {
    /// The post is filled (first recruitment or after a vacancy).
    Join,
    /// The post holder leaves; the post is vacant.
    Leave,
    /// Leave or sickness begins.
    AbsenceStart,
    /// Leave or sickness ends.
    AbsenceEnd,
}

/// A queued event with its ordering key packed into one integer: the time's bit pattern
/// (which orders like the time, as times are non-negative) in the high half, then the
/// class in the top byte of the low half and the insertion sequence below it. One
/// integer comparison orders two entries.
#[derive(Debug, Clone, Copy)]
struct Entry {
    key: u128,
    event: Event,
}

/// A 4-ary min-heap of entries by key. Keys are unique (the sequence number is part of
/// each), so any correct heap pops in the same order; four children a node halve the
/// depth of a binary heap and sit side by side in memory, so a pop touches about half
/// as many cache lines when the queue is large (thousands of posts and open cases).
#[derive(Debug, Default)]
struct QuadHeap {
    items: Vec<Entry>,
}

impl QuadHeap {
    fn clear(&mut self) {
        self.items.clear();
    }

    fn peek_key(&self) -> Option<u128> {
        self.items.first().map(|e| e.key)
    }

    fn push(&mut self, e: Entry) {
        self.items.push(e);
        let mut i = self.items.len() - 1;
        while i > 0 {
            let parent = (i - 1) / 4;
            if self.items[parent].key <= e.key {
                break;
            }
            self.items[i] = self.items[parent];
            i = parent;
        }
        self.items[i] = e;
    }

    fn pop(&mut self) -> Option<Entry> {
        let last = self.items.pop()?;
        let Some(&top) = self.items.first() else {
            return Some(last);
        };
        // move the hole at the root down to where `last` belongs
        let n = self.items.len();
        let mut i = 0;
        loop {
            let first = 4 * i + 1;
            if first >= n {
                break;
            }
            let mut child = first;
            for c in first + 1..(first + 4).min(n) {
                if self.items[c].key < self.items[child].key {
                    child = c;
                }
            }
            if self.items[child].key >= last.key {
                break;
            }
            self.items[i] = self.items[child];
            i = child;
        }
        self.items[i] = last;
        Some(top)
    }
}

/// Days of events the heap holds at a time: later ones wait in their week's bucket until
/// that week comes (see [`EventQueue`]).
const NEAR_DAYS: f64 = 7.0;

/// Weeks that have a bucket of their own (about 78 years); events later still wait in
/// one overflow list, which moves into the heap once every bucket has.
const MAX_WEEKS: usize = 4096;

/// The week (of [`NEAR_DAYS`]) a time falls in, [`MAX_WEEKS`] for every later one.
fn week_of(time: SimTime) -> usize {
    let w = time.days() / NEAR_DAYS;
    if w < MAX_WEEKS as f64 {
        w as usize
    } else {
        MAX_WEEKS
    }
}

/// Pending events.
///
/// Only the events of the current week (and any earlier ones) sit in the heap; later ones
/// (re-referrals months ahead, patience running out, staff changes) wait unsorted in the
/// bucket of their week and move into the heap when it empties and their week is the next
/// with any events. The heap stays small enough for the processor's cache however large
/// the service, each far event is moved once, and finding the next week's events reads
/// only that week's bucket. Every bucketed event is in a later week than `current`, every
/// event in the heap in `current` or before, and the heap is refilled whenever it
/// empties, so its top is always the earliest of both.
///
/// Each authority's next first referral waits in a slot of its own beside the heap:
/// there is never more than one per authority, and arrivals are about half of all
/// events, so keeping them out of the heap halves its traffic. A pop takes the earliest
/// of the heap's top and the slots, by the same key, so the order is unchanged.
#[derive(Debug, Default)]
pub(crate) struct EventQueue {
    heap: QuadHeap,
    /// `far[w]`: the events of week `w`, unsorted, for weeks after `current`; the last
    /// one holds every event from week [`MAX_WEEKS`] on.
    far: Vec<Vec<Entry>>,
    /// The latest week whose events are in the heap.
    current: usize,
    /// The pending `Arrival` of each authority, if any.
    arrivals: Vec<Option<Entry>>,
    seq: u64,
    /// Time of the last event taken off the queue: nothing may be scheduled before it.
    now: SimTime,
}

impl EventQueue {
    pub(crate) fn clear(&mut self) {
        self.heap.clear();
        self.far.iter_mut().for_each(Vec::clear);
        self.current = 0;
        self.arrivals.iter_mut().for_each(|slot| *slot = None);
        self.seq = 0;
        self.now = SimTime::ZERO;
    }

    pub(crate) fn push(&mut self, time: SimTime, event: Event) {
        let seq = self.reserve(1);
        self.push_at(time, seq, event);
    }

    /// Reserve `n` consecutive sequence numbers for events pushed later with
    /// [`EventQueue::push_at`]: they then order exactly as if pushed now.
    pub(crate) fn reserve(&mut self, n: u64) -> u64 {
        let first = self.seq;
        self.seq += n;
        debug_assert!(self.seq < 1 << 56, "sequence overflow");
        first
    }

    /// Push an event with a sequence number from [`EventQueue::reserve`].
    pub(crate) fn push_at(&mut self, time: SimTime, seq: u64, event: Event) {
        debug_assert!(
            time >= self.now,
            "{event:?} scheduled at {time:?}, before the current time {:?}",
            self.now
        );
        let class = event.class() as u64;
        let entry = Entry {
            key: (u128::from(time.key()) << 64) | u128::from((class << 56) | seq),
            event,
        };
        if let Event::Arrival { authority } = event {
            let a = usize::from(authority);
            if self.arrivals.len() <= a {
                self.arrivals.resize(a + 1, None);
            }
            if self.arrivals[a].is_none() {
                self.arrivals[a] = Some(entry);
                return;
            }
        }
        let week = week_of(time);
        if week <= self.current {
            self.heap.push(entry);
        } else {
            if self.far.len() <= week {
                self.far.resize_with(week + 1, Vec::new);
            }
            self.far[week].push(entry);
        }
    }

    /// With the heap empty, move the events of the next week that has any into it.
    fn refill(&mut self) {
        for week in self.current + 1..self.far.len() {
            if !self.far[week].is_empty() {
                self.current = week;
                let mut bucket = std::mem::take(&mut self.far[week]);
                for e in bucket.drain(..) {
                    self.heap.push(e);
                }
                // keep the bucket's room for the next replication
                self.far[week] = bucket;
                return;
            }
        }
    }

    /// The earliest event, if any.
    pub(crate) fn pop(&mut self) -> Option<(SimTime, Event)> {
        if self.heap.items.is_empty() {
            self.refill();
        }
        // the earliest pending arrival, if it comes before the heap's top
        let mut slot = None;
        let mut first = self.heap.peek_key();
        for (a, entry) in self.arrivals.iter().enumerate() {
            if let Some(e) = entry
                && first.is_none_or(|k| e.key < k)
            {
                first = Some(e.key);
                slot = Some(a);
            }
        }
        let e = match slot {
            Some(a) => self.arrivals[a].take()?,
            None => self.heap.pop()?,
        };
        let time = SimTime::from_key((e.key >> 64) as u64);
        self.now = time;
        Some((time, e.event))
    }

    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.heap.items.len()
            + self.far.iter().map(Vec::len).sum::<usize>()
            + self.arrivals.iter().flatten().count()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(d: f64) -> SimTime {
        SimTime::new(d).unwrap()
    }

    #[test]
    fn earliest_first_then_class_then_insertion() {
        let mut q = EventQueue::default();
        q.push(t(2.0), Event::Sample { week: 0 });
        q.push(t(1.0), Event::Arrival { authority: 0 });
        q.push(
            t(1.0),
            Event::StageEnd {
                family: 1,
                version: 0,
            },
        );
        q.push(t(1.0), Event::Arrival { authority: 1 });
        q.push(
            t(1.0),
            Event::Staff {
                post: 0,
                change: StaffChange::Join,
            },
        );
        let order: Vec<Event> = std::iter::from_fn(|| q.pop().map(|(_, e)| e)).collect();
        assert_eq!(
            order,
            vec![
                Event::StageEnd {
                    family: 1,
                    version: 0
                },
                Event::Staff {
                    post: 0,
                    change: StaffChange::Join
                },
                Event::Arrival { authority: 0 },
                Event::Arrival { authority: 1 },
                Event::Sample { week: 0 },
            ]
        );
        assert_eq!(q.len(), 0);
    }

    #[test]
    fn fifty_simultaneous_arrivals_come_out_in_insertion_order() {
        let mut q = EventQueue::default();
        for a in 0..50u16 {
            q.push(t(3.0), Event::Arrival { authority: a });
        }
        for a in 0..50u16 {
            assert_eq!(q.pop(), Some((t(3.0), Event::Arrival { authority: a })));
        }
    }

    #[test]
    fn far_weeks_and_the_overflow_come_out_in_time_order() {
        let mut q = EventQueue::default();
        // weeks far apart, several in one week, and times past the last bucketed week
        let days = [
            40_000.0, 3.0, 700.5, 29_000.0, 700.25, 14.0, 1e9, 7.0, 6.999, 700.5, 0.0,
        ];
        for (i, &d) in days.iter().enumerate() {
            q.push(t(d), Event::Sample { week: i as u32 });
        }
        let mut want: Vec<(f64, u32)> = days
            .iter()
            .enumerate()
            .map(|(i, &d)| (d, i as u32))
            .collect();
        want.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        for (d, i) in want {
            assert_eq!(q.pop(), Some((t(d), Event::Sample { week: i })));
            // an event pushed after day 14 for a week whose bucket is empty still comes
            // before the next bucketed week's
            if i == 5 {
                q.push(t(30.0), Event::Sample { week: 99 });
                assert_eq!(q.pop(), Some((t(30.0), Event::Sample { week: 99 })));
            }
        }
        assert_eq!(q.pop(), None);
        assert_eq!(q.len(), 0);
    }

    proptest::proptest! {
        /// Interleaved pushes and pops come out exactly as a sorted list of the keys
        /// would give them: earliest time, then class, then insertion order.
        #[test]
        fn pops_follow_time_then_class_then_insertion(
            ops in proptest::collection::vec((0u8..3, 0u32..40, 0u16..3), 1..300)
        ) {
            let mut q = EventQueue::default();
            let mut model: Vec<(u64, u8, u64, Event)> = Vec::new();
            let mut seq = 0u64;
            for (op, dt, kind) in ops {
                if op == 0 {
                    let got = q.pop().map(|(t, e)| (t.key(), e));
                    let want = if model.is_empty() { None } else { let m = model.remove(0); Some((m.0, m.3)) };
                    proptest::prop_assert_eq!(got, want);
                } else {
                    let now = q.now;
                    let time = SimTime::new(now.days() + f64::from(dt) / 4.0).unwrap();
                    let event = match kind {
                        0 => Event::StageEnd { family: seq as u32, version: 0 },
                        // three authorities, so an arrival sometimes finds its slot taken
                        1 => Event::Arrival { authority: (seq % 3) as u16 },
                        _ => Event::Sample { week: seq as u32 },
                    };
                    q.push(time, event);
                    model.push((time.key(), event.class() as u8, seq, event));
                    model.sort_by_key(|m| (m.0, m.1, m.2));
                    seq += 1;
                }
            }
            while let Some(m) = (!model.is_empty()).then(|| model.remove(0)) {
                proptest::prop_assert_eq!(q.pop().map(|(t, e)| (t.key(), e)), Some((m.0, m.3)));
            }
            proptest::prop_assert_eq!(q.len(), 0);
        }
    }
}
