//! The board's periodic review under the rebased policy: home posts move toward the
//! bases where demand is ([`crate::model::Rebasing`]).
//!
//! The review draws nothing at random: on one seed it sees exactly the families the other
//! policies see, and its moves follow from them.

use super::{Engine, Observer};
use crate::model::{DemandSignal, Model};
use crate::time::SimTime;

impl Engine {
    /// Hold the review: move up to `max_moves` home posts toward demand, then restart
    /// the count of referrals for the next period.
    pub(super) fn review_bases<O: Observer>(
        &mut self,
        model: &Model,
        t: SimTime,
        number: u32,
        obs: &mut O,
    ) {
        let rule = &model.policy.rebasing;
        let n = self.at_base.len();
        // this period's referrals replace those of `window` periods ago
        let window = rule.window.max(1) as usize;
        self.past_referrals.resize(window * n, 0);
        let slot = (number as usize - 1) % window;
        self.past_referrals[slot * n..(slot + 1) * n].copy_from_slice(&self.since_review);
        self.since_review.iter_mut().for_each(|x| *x = 0);
        let signal: Vec<f64> = match rule.signal {
            DemandSignal::Referrals => (0..n)
                .map(|a| {
                    (0..window)
                        .map(|k| self.past_referrals[k * n + a] as f64)
                        .sum()
                })
                .collect(),
            DemandSignal::Waiting => self.waiting.iter().map(|&x| f64::from(x)).collect(),
        };
        // judged by referrals, the first move waits for a full window of them
        if rule.signal == DemandSignal::Referrals && (number as usize) < window {
            return;
        }
        let total: f64 = signal.iter().sum();
        // posts that do casework (business support does not)
        let mut count: Vec<usize> = self
            .at_base
            .iter()
            .map(|ws| ws.iter().filter(|&&w| self.movable(w)).count())
            .collect();
        let posts: usize = count.iter().sum();
        if total <= 0.0 || n < 2 || posts == 0 {
            return;
        }
        // how far each base is above its fair number of posts
        let excess = |b: usize, count: &[usize]| count[b] as f64 - posts as f64 * signal[b] / total;
        let mut moved = false;
        for _ in 0..rule.max_moves {
            let donors = (0..n).filter(|&b| count[b] > rule.min_posts as usize);
            let Some(from) = donors.max_by(|&x, &y| {
                excess(x, &count)
                    .total_cmp(&excess(y, &count))
                    .then(y.cmp(&x))
            }) else {
                break;
            };
            let to = (0..n)
                .filter(|&b| b != from)
                .min_by(|&x, &y| {
                    excess(x, &count)
                        .total_cmp(&excess(y, &count))
                        .then(x.cmp(&y))
                })
                .expect("at least two bases");
            // a move must be needed at both ends, and help: narrow the gap between them
            let (above, below) = (excess(from, &count), -excess(to, &count));
            if above <= rule.tolerance || below <= rule.tolerance || above + below <= 1.0 + 1e-9 {
                break;
            }
            let post = self.post_to_move(from);
            self.move_post(t, post, to, obs);
            count[from] -= 1;
            count[to] += 1;
            moved = true;
        }
        if moved {
            self.pools.rebuild(&self.workers, n);
            for a in 0..n {
                self.touch(a);
            }
        }
    }

    /// Whether post `w` does casework, and so counts and may move.
    fn movable(&self, w: usize) -> bool {
        self.workers[w].capacity > 0.0
    }

    /// The casework post at base `b` that moves most easily: a vacant one, else the one
    /// with the lightest committed load, the lowest index on ties.
    fn post_to_move(&self, b: usize) -> usize {
        *self.at_base[b]
            .iter()
            .filter(|&&w| self.movable(w))
            .min_by(|&&x, &&y| {
                let (wx, wy) = (&self.workers[x], &self.workers[y]);
                wx.filled
                    .cmp(&wy.filled)
                    .then(wx.committed.total_cmp(&wy.committed))
                    .then(x.cmp(&y))
            })
            .expect("a donor base keeps at least one post")
    }

    /// Re-base post `w` at `to`. Its families stay with it, visited from the new base,
    /// if their loads from there (travel included) fit its hours; otherwise they are
    /// handed back to their lists, as when a worker leaves.
    fn move_post<O: Observer>(&mut self, t: SimTime, w: usize, to: usize, obs: &mut O) {
        let from = self.workers[w].base as usize;
        let list = &mut self.at_base[from];
        let pos = list.iter().position(|&x| x == w).expect("post at its base");
        list.remove(pos);
        // keep each base's list in index order, as reset builds it
        let list = &mut self.at_base[to];
        let at = list.partition_point(|&x| x < w);
        list.insert(at, w);
        let fits = {
            let wk = &self.workers[w];
            let needed: f64 = wk
                .families
                .iter()
                .map(|&id| self.load(&self.families[id as usize], to).committed)
                .sum();
            needed <= wk.capacity + super::EPS
        };
        let wk = &mut self.workers[w];
        wk.base = to as u16;
        if fits {
            wk.committed = 0.0;
            wk.direct = 0.0;
            wk.travel = 0.0;
            wk.cross = 0.0;
            for k in 0..self.workers[w].families.len() {
                let id = self.workers[w].families[k];
                self.families[id as usize].load = super::Load::default();
                self.apply_load(id, w);
            }
        } else {
            self.hand_back(w);
        }
        obs.rebased(t, w, from, to);
        obs.worker_changed(t, w, &self.worker_state(w));
    }
}
