//! Any bytes as a stored fact segment: as stored (the checksum must refuse them), and
//! with a valid checksum appended, so that the column checks behind it are explored.
//! Either way: facts or a `Corrupt` error, never a panic.
#![no_main]

use kis_core::sales::{Segment, with_checksum};
use libfuzzer_sys::fuzz_target;

fn read(bytes: &[u8]) {
    if let Ok(segment) = Segment::read(bytes) {
        let _ = segment.facts();
        let _ = segment.dated(i32::MIN, i32::MAX);
    }
}

fuzz_target!(|data: &[u8]| {
    read(data);
    let mut content = b"KSF\x02".to_vec();
    content.extend_from_slice(data);
    read(&with_checksum(&content));
});
