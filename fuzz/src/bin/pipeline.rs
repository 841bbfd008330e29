//! The AFL++ target: `cargo afl build` then `cargo afl fuzz` (see
//! README.md, Fuzzing).

fn main() {
    afl::fuzz!(|data: &[u8]| {
        mdg_export_fuzz::check(data);
    });
}
