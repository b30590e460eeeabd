//! Runnable examples of embedding star; see the `[[example]]` targets.
