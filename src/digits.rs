//! Whole numbers as ASCII digits without allocating: SVG path data
//! writes thousands of them, where `to_string`
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_digit_is_written() {
        for value in [0, 7, 1_234_567_890, u64::MAX] {
            assert_eq!(digits(value, &mut [0; 20]), value.to_string().as_bytes());
        }
    }
}
