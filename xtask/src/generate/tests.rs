//! Tests of the generate stage on small hand-written specs.
