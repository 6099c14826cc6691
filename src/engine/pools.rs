//! The workers indexed for allocation, so that finding the least-loaded worker with room
//! reads a few tree roots instead of scanning every worker.
//!
//! Workers are split into **pools** that ask the same of a family: the same base, the
//! same hours (capacity), the same specialism, and home or region-wide. Within a pool a
//! family needs the same room from every worker, so:
//!
//! - the least-committed open worker answers "does anyone here have room" exactly:
//!   `c + need <= capacity` is monotone in `c` (rounding included), so if that worker
//!   has no room, no one in the pool has;
//! - the open worker with the smallest share of its hours committed, lowest index on
//!   ties, is the one the allocation rules pick whenever it has room, which is always
//!   unless committed hours differing in their last bits round to equal shares (then a
//!   scan of that one pool decides, as before).
//!
//! Each worker is a leaf holding three keys: its share if it may take more, its committed
//! hours if it may take more, and its committed hours if present (for advice sessions).
//! A pool of more than [`SMALL`] workers keeps a tournament tree over its leaves (a
//! segment tree whose every node holds the best of its two children for each key): a
//! change to one worker updates one leaf and its ancestors, `O(log n)`, and a search
//! reads the root. A smaller pool keeps its leaves only and a search reads them all,
//! which costs less than keeping the tree. Either way a search costs about the number
//! of pools, not of workers. Everything here is an index over
//! [`Worker`](super::Worker) state and never changes a result: builds with debug
//! assertions check each answer against a scan of every worker.

use super::Worker;

/// A key with its worker's leaf: `(value, leaf)` ordered by value, then the lower leaf.
/// A pool's leaves follow its workers' index order, so the lower leaf is the lower worker.
/// Packed to 12 bytes so that a tree node fills half a cache line exactly.
#[derive(Debug, Clone, Copy, PartialEq)]
#[repr(C, packed(4))]
struct Best {
    value: f64,
    leaf: u32,
}

impl Best {
    const NONE: Best = Best {
        value: f64::INFINITY,
        leaf: u32::MAX,
    };

    fn min(self, other: Best) -> Best {
        // copies: the fields of a packed struct are not aligned for references
        let (mine, theirs) = (self.value, other.value);
        match mine.total_cmp(&theirs) {
            std::cmp::Ordering::Less => self,
            std::cmp::Ordering::Greater => other,
            std::cmp::Ordering::Equal if self.leaf <= other.leaf => self,
            std::cmp::Ordering::Equal => other,
        }
    }

    fn get(self) -> Option<(f64, usize)> {
        (self.leaf != u32::MAX).then_some((self.value, self.leaf as usize))
    }
}

/// One tree node: the best of its leaves for each key. 32 bytes, aligned to 32, so two
/// sibling nodes share one cache line and a walk up the tree reads a line a level.
#[derive(Debug, Clone, Copy, PartialEq)]
#[repr(C, align(32))]
struct Node {
    /// Least committed hours among workers who may take more.
    committed: f64,
    /// Least `committed / capacity` among workers who may take more.
    share: Best,
    /// Least committed hours among present workers with casework hours.
    light: Best,
}

impl Node {
    const EMPTY: Node = Node {
        committed: f64::INFINITY,
        share: Best::NONE,
        light: Best::NONE,
    };

    /// Leaf `k` of a pool, for its worker `w`.
    fn leaf(k: usize, w: &Worker) -> Node {
        let leaf = k as u32;
        let open = w.may_take_more();
        Node {
            share: if open {
                Best {
                    value: w.committed / w.capacity,
                    leaf,
                }
            } else {
                Best::NONE
            },
            committed: if open { w.committed } else { f64::INFINITY },
            light: if w.present() && w.capacity > 0.0 {
                Best {
                    value: w.committed,
                    leaf,
                }
            } else {
                Best::NONE
            },
        }
    }

    fn join(a: &Node, b: &Node) -> Node {
        Node {
            share: a.share.min(b.share),
            committed: a.committed.min(b.committed),
            light: a.light.min(b.light),
        }
    }
}

/// Workers alike for allocation, with their tree.
#[derive(Debug, Default)]
pub(super) struct Pool {
    pub(super) base: usize,
    pub(super) region_wide: bool,
    pub(super) capacity: f64,
    pub(super) specialism: Option<u8>,
    /// Its workers, in index order (leaf `k` is `members[k]`).
    members: Vec<usize>,
    /// Leaves start here (a power of two); node 1 is the root, node `k`'s children are
    /// `2k` and `2k + 1`.
    leaves: usize,
    nodes: Vec<Node>,
    /// At most [`SMALL`] workers: no tree is kept, a search folds the leaves.
    small: bool,
}

/// Pools of up to this many workers keep their leaves only: folding a few leaves on a
/// search costs less than updating a tree on every change, and most teams' pools are
/// this small.
const SMALL: usize = 8;

impl Pool {
    /// The leaves, one per worker in `members` order.
    fn leaf_nodes(&self) -> &[Node] {
        &self.nodes[self.leaves..self.leaves + self.members.len()]
    }

    /// The best of every leaf, in a pool that keeps a tree.
    fn root(&self) -> &Node {
        debug_assert!(!self.small, "a small pool keeps no tree");
        &self.nodes[1]
    }

    /// Whether worker `w` of this pool belongs here.
    fn holds(&self, w: &Worker) -> bool {
        self.base == w.base as usize
            && self.region_wide == w.region_wide
            && self.capacity.to_bits() == w.capacity.to_bits()
            && self.specialism == w.specialism
    }

    fn build(&mut self, workers: &[Worker]) {
        self.leaves = self.members.len().next_power_of_two();
        self.small = self.members.len() <= SMALL;
        self.nodes.clear();
        self.nodes.resize(2 * self.leaves, Node::EMPTY);
        for (k, &i) in self.members.iter().enumerate() {
            self.nodes[self.leaves + k] = Node::leaf(k, &workers[i]);
        }
        // (a pool of one worker has its leaf at node 1: it is its own root)
        for k in (1..self.leaves).rev() {
            self.nodes[k] = Node::join(&self.nodes[2 * k], &self.nodes[2 * k + 1]);
        }
    }

    fn update(&mut self, k: usize, w: &Worker) {
        let leaf = Node::leaf(k, w);
        let mut at = self.leaves + k;
        if self.nodes[at] == leaf {
            return;
        }
        self.nodes[at] = leaf;
        if self.small {
            return;
        }
        while at > 1 {
            at /= 2;
            let joined = Node::join(&self.nodes[2 * at], &self.nodes[2 * at + 1]);
            if self.nodes[at] == joined {
                return; // the ancestors are unchanged too
            }
            self.nodes[at] = joined;
        }
    }

    /// The worker of this pool the allocation rules pick for a family needing `need`
    /// hours a week, with its share: the least share among workers who may take more and
    /// have `need` hours free, lowest index on ties; `None` if no one has room.
    pub(super) fn best(&self, need: f64, eps: f64) -> Option<(f64, usize)> {
        if self.small {
            return self.scan(need, eps);
        }
        let root = self.root();
        if root.committed + need > self.capacity + eps {
            return None;
        }
        let (share, k) = root.share.get()?;
        if self.nodes[self.leaves + k].committed + need <= self.capacity + eps {
            return Some((share, self.members[k]));
        }
        // equal shares from committed hours that differ in their last bits
        self.scan(need, eps)
    }

    /// [`Pool::best`] by reading every leaf.
    fn scan(&self, need: f64, eps: f64) -> Option<(f64, usize)> {
        let mut best = Best::NONE;
        for leaf in self.leaf_nodes() {
            if leaf.committed + need <= self.capacity + eps {
                best = best.min(leaf.share);
            }
        }
        self.worker(best)
    }

    /// A key's value and worker (rather than leaf), if it has one.
    fn worker(&self, best: Best) -> Option<(f64, usize)> {
        best.get().map(|(value, k)| (value, self.members[k]))
    }

    /// Whether any worker of this pool may take more families.
    fn anyone_open(&self) -> bool {
        if self.small {
            self.leaf_nodes().iter().any(|n| n.share.get().is_some())
        } else {
            self.root().share.get().is_some()
        }
    }

    /// The present caseworker of this pool with the least committed hours, lowest index
    /// on ties.
    pub(super) fn lightest(&self) -> Option<(f64, usize)> {
        if self.small {
            return self.worker(
                self.leaf_nodes()
                    .iter()
                    .fold(Best::NONE, |acc, n| acc.min(n.light)),
            );
        }
        self.worker(self.root().light)
    }
}

/// Every worker's pool and place in it, and the pools by base and kind.
#[derive(Debug, Default)]
pub(super) struct Pools {
    pools: Vec<Pool>,
    /// Pools in use (the rest keep their buffers for later replications).
    used: usize,
    /// For each worker: its pool and leaf.
    place: Vec<(u32, u32)>,
    /// Per base: the pools of its home (not region-wide) workers.
    home: Vec<Vec<usize>>,
    /// Per base: every pool based there.
    based: Vec<Vec<usize>>,
    /// The pools of region-wide workers.
    region: Vec<usize>,
}

impl Pools {
    /// Rebuild for the workers' current bases, over `bases` bases, keeping buffers.
    pub(super) fn rebuild(&mut self, workers: &[Worker], bases: usize) {
        for p in &mut self.pools[..self.used] {
            p.members.clear();
        }
        self.used = 0;
        self.place.clear();
        for (i, w) in workers.iter().enumerate() {
            let g = match self.pools[..self.used].iter().position(|p| p.holds(w)) {
                Some(g) => g,
                None => {
                    if self.used == self.pools.len() {
                        self.pools.push(Pool::default());
                    }
                    let p = &mut self.pools[self.used];
                    p.base = w.base as usize;
                    p.region_wide = w.region_wide;
                    p.capacity = w.capacity;
                    p.specialism = w.specialism;
                    p.members.clear();
                    self.used += 1;
                    self.used - 1
                }
            };
            let p = &mut self.pools[g];
            self.place.push((g as u32, p.members.len() as u32));
            p.members.push(i);
        }
        for list in [&mut self.home, &mut self.based] {
            list.resize_with(bases, Vec::new);
            list.truncate(bases);
            list.iter_mut().for_each(Vec::clear);
        }
        self.region.clear();
        for (g, p) in self.pools[..self.used].iter_mut().enumerate() {
            p.build(workers);
            self.based[p.base].push(g);
            if p.region_wide {
                self.region.push(g);
            } else {
                self.home[p.base].push(g);
            }
        }
    }

    /// Bring worker `i`'s leaf up to date.
    pub(super) fn update(&mut self, i: usize, w: &Worker) {
        let (g, k) = self.place[i];
        self.pools[g as usize].update(k as usize, w);
    }

    pub(super) fn pool(&self, g: usize) -> &Pool {
        &self.pools[g]
    }

    /// Every pool in use.
    pub(super) fn all(&self) -> std::ops::Range<usize> {
        0..self.used
    }

    /// The pools of home workers based at `base`.
    pub(super) fn home(&self, base: usize) -> &[usize] {
        &self.home[base]
    }

    /// Every pool based at `base`, home and region-wide.
    pub(super) fn based(&self, base: usize) -> &[usize] {
        &self.based[base]
    }

    /// The pools of region-wide workers.
    pub(super) fn region(&self) -> &[usize] {
        &self.region
    }

    /// Whether any region-wide worker may take more families.
    pub(super) fn region_open(&self) -> bool {
        self.region.iter().any(|&g| self.pools[g].anyone_open())
    }

    /// Panics unless every leaf matches its worker and every node joins its children.
    #[cfg(debug_assertions)]
    pub(super) fn check(&self, workers: &[Worker]) {
        assert_eq!(self.place.len(), workers.len(), "a place for every worker");
        for (i, w) in workers.iter().enumerate() {
            let (g, k) = self.place[i];
            let p = &self.pools[g as usize];
            assert!(p.holds(w), "worker {i} is in a pool it does not belong to");
            assert_eq!(p.members[k as usize], i);
            assert_eq!(
                p.nodes[p.leaves + k as usize],
                Node::leaf(k as usize, w),
                "worker {i}'s leaf is stale"
            );
        }
        for p in self.pools[..self.used].iter().filter(|p| !p.small) {
            for k in 1..p.leaves {
                assert_eq!(
                    p.nodes[k],
                    Node::join(&p.nodes[2 * k], &p.nodes[2 * k + 1]),
                    "node {k} differs from its children"
                );
            }
        }
    }
}
