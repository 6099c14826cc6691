//! The event loop allocates nothing once an engine's buffers have grown: a replication run
//! again on the same engine and recorder makes no heap allocation at all.
//!
//! A counting global allocator (for this test binary only) counts allocations made on
//! the current thread, so tests running in parallel do not disturb the count.

use super::Engine;
use crate::measures::Recorder;
use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

struct Counting;

thread_local! {
    static ALLOCATIONS: Cell<u64> = const { Cell::new(0) };
}

fn count() {
    // `try_with`: the thread's counter may already be gone while the thread shuts down
    let _ = ALLOCATIONS.try_with(|n| n.set(n.get() + 1));
}

// SAFETY: every call is forwarded unchanged to the system allocator.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        count();
        // SAFETY: the caller upholds `GlobalAlloc::alloc`'s contract.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` came from this allocator, i.e. from `System`.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        count();
        // SAFETY: as for `dealloc`, and the caller upholds `realloc`'s contract.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static COUNTING: Counting = Counting;

fn allocations() -> u64 {
    ALLOCATIONS.with(Cell::get)
}

#[test]
fn a_warm_engine_runs_a_replication_without_allocating() {
    for name in ["western-bay", "npt-high-need", "mmc", "ifss-lite"] {
        let model = crate::scenario::load_bundled(name)
            .expect("bundled")
            .expect("valid");
        let mut engine = Engine::default();
        let mut recorder = Recorder::new(&model);
        // grow every buffer on the replications that follow, then run one of them again
        for replication in 0..3 {
            recorder.reset();
            engine.run(&model, 7, replication, &mut recorder);
        }
        recorder.reset();
        let before = allocations();
        let stats = engine.run(&model, 7, 1, &mut recorder);
        let during = allocations() - before;
        assert!(stats.events > 1000, "{name}: only {} events", stats.events);
        assert_eq!(during, 0, "{name}: {during} allocations in one replication");
    }
}
