//! Tests of the normalize stages on small hand-written specs.
