//! Front-end integration tests (filled in below).
