//! The chunked test format (placeholder, filled in below).
