//! The AFL++ target for `mdg_export_fuzz::check_html`: `fuzz/run.sh html`.

fn main() {
    afl::fuzz!(|data: &[u8]| {
        mdg_export_fuzz::check_html(data);
    });
}
