//! st-core: the runtime shared by every generated ServiceTitan area crate.
//! (Skeleton: see issue 2 for what lands here.)

pub mod error;
pub mod paging;

pub use error::Error;
