//! Shared helpers of star's integration tests: where the fixtures live.

use std::path::PathBuf;

/// The folder holding the `.star` fixtures.
pub fn fixtures_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures")
}
