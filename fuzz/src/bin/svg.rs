//! The AFL++ target for `mdg_export_fuzz::check_svg`: `fuzz/run.sh svg`.

fn main() {
    afl::fuzz!(|data: &[u8]| {
        mdg_export_fuzz::check_svg(data);
    });
}
