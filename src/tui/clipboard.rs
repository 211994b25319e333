//! The clipboard over any terminal, SSH included: OSC 52 asks the terminal the operator sits at
//! to put text on its clipboard (xterm, kitty, iTerm2, WezTerm, Windows Terminal; tmux with
//! `set-clipboard on`). The run loop writes it between frames, never the update.

/// `ESC ] 52 ; c ; <base64 of text> BEL`
pub fn osc52(text: &str) -> String {
    format!("\x1b]52;c;{}\x07", base64(text.as_bytes()))
}

/// Standard base64 with padding (RFC 4648); a dozen lines do not need a crate.
fn base64(bytes: &[u8]) -> String {
    const ABC: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [chunk[0], *chunk.get(1).unwrap_or(&0), *chunk.get(2).unwrap_or(&0)];
        let n = (b[0] as u32) << 16 | (b[1] as u32) << 8 | b[2] as u32;
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ABC[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn osc_52_carries_the_text_in_base64() {
        assert_eq!(osc52("ASEL25"), "\x1b]52;c;QVNFTDI1\x07");
        assert_eq!(osc52("101").as_bytes(), b"\x1b]52;c;MTAx\x07");
        // RFC 4648's test vectors, padding included; and Cyrillic as its UTF-8 bytes.
        for (plain, coded) in [("", ""), ("f", "Zg=="), ("fo", "Zm8="), ("foo", "Zm9v"), ("foobar", "Zm9vYmFy")] {
            assert_eq!(base64(plain.as_bytes()), coded);
        }
        assert_eq!(base64("Асель".as_bytes()), "0JDRgdC10LvRjA==");
    }
}
