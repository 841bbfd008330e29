//! Whole numbers as ASCII digits without allocating: content streams, the
//! PDF file and SVG path data write thousands of them, where `to_string`
//! or `write!` spend more on an allocation or formatting machinery than
//! on the digits.

/// The decimal digits of `value`, written into the end of `buffer`.
pub fn digits(value: u64, buffer: &mut [u8; 20]) -> &[u8] {
    let mut rest = value;
    let mut start = buffer.len();
    loop {
        start -= 1;
        buffer[start] = b'0' + (rest % 10) as u8;
        rest /= 10;
        if rest == 0 {
            break;
        }
    }
    &buffer[start..]
}

/// Appends `value` in decimal, with a minus sign when negative.
pub fn push_integer(out: &mut Vec<u8>, value: i64) {
    if value < 0 {
        out.push(b'-');
    }
    out.extend_from_slice(digits(value.unsigned_abs(), &mut [0; 20]));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_digit_and_sign_is_written() {
        let mut out = Vec::new();
        for value in [0, 7, -7, 1_234_567_890, i64::MIN] {
            push_integer(&mut out, value);
            out.push(b' ');
        }
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "0 7 -7 1234567890 -9223372036854775808 "
        );
    }
}
