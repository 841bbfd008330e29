//! The AFL++ target for `mdg_export_fuzz::check_front_matter`: `fuzz/run.sh front_matter`.

fn main() {
    afl::fuzz!(|data: &[u8]| {
        mdg_export_fuzz::check_front_matter(data);
    });
}
