//! The same input gives the same bytes: twice in one process, and in two
//! threads at once (two processes: `cli.rs`).

mod common;

use common::export_summit;
use std::sync::Barrier;

#[test]
fn two_threads_at_once_give_identical_bytes() {
    let barrier = Barrier::new(2);
    let outputs: Vec<(Vec<u8>, Vec<u8>)> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..2)
            .map(|_| {
                scope.spawn(|| {
                    barrier.wait();
                    let outputs = export_summit(true, true);
                    (outputs.pdf.unwrap(), outputs.epub.unwrap())
                })
            })
            .collect();
        workers.into_iter().map(|w| w.join().unwrap()).collect()
    });
    assert!(outputs[0].0 == outputs[1].0, "the PDFs differ");
    assert!(outputs[0].1 == outputs[1].1, "the EPUBs differ");

    // And once more afterwards, in this thread.
    let again = export_summit(true, true);
    assert!(again.pdf.unwrap() == outputs[0].0, "a later PDF differs");
    assert!(again.epub.unwrap() == outputs[0].1, "a later EPUB differs");
}
