//! st-mock on a runtime of its own.
//!
//! `MockServer::start` spawns its accept loop on the runtime it is called from. A benchmark
//! that starts it on the client's runtime would have the simulator and the client compete for
//! the same worker threads; here it gets one worker thread of its own.

use st_mock::{MockBuilder, MockServer};
use tokio::runtime::Runtime;

/// A simulator serving from its own single-worker runtime. Drop it from synchronous code (a
/// Tokio runtime cannot be dropped inside another one).
pub struct Simulator {
    mock: Option<MockServer>,
    runtime: Option<Runtime>,
}

impl Simulator {
    /// Starts `builder` on a new single-worker runtime.
    pub fn start(builder: MockBuilder) -> Simulator {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .thread_name("st-mock")
            .on_thread_start(crate::alloc_count::exclude_this_thread)
            .enable_all()
            .build()
            .expect("simulator runtime");
        let mock = runtime.block_on(builder.start());
        Simulator {
            mock: Some(mock),
            runtime: Some(runtime),
        }
    }

    /// The running simulator.
    pub fn mock(&self) -> &MockServer {
        self.mock.as_ref().expect("running")
    }
}

impl Drop for Simulator {
    fn drop(&mut self) {
        // The server's tasks live on the runtime: stop the server, then the runtime.
        drop(self.mock.take());
        if let Some(runtime) = self.runtime.take() {
            runtime.shutdown_background();
        }
    }
}
