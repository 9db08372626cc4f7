//! The 24 ServiceTitan API areas: area key (crate suffix), module path on the API host, spec title.
