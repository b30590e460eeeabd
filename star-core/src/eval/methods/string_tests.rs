//! Tests of the string and bytes methods.
