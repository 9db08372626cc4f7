//! Every customer of the tenant, one at a time, with `.stream()`: pages are requested lazily as
//! the stream is read (page 2 only once page 1 is used up), all with one cached token.
//!
//! ```sh
//! cargo run --example stream_customers              # active customers
//! cargo run --example stream_customers -- --all     # active and inactive
//! ```
//!
//! Without `ST_CLIENT_ID` set it runs against the built-in simulator; with the `ST_*` variables
//! set, against that ServiceTitan environment (scope `tn.crm.customers:r`).

use std::collections::BTreeMap;

use futures::TryStreamExt;
use servicetitan::Error;
use servicetitan::crm::types::ActiveRequestArg;

const PAGE_SIZE: u32 = 100;
const SHOWN: usize = 10;

#[tokio::main]
async fn main() -> Result<(), Error> {
    let all = std::env::args().skip(1).any(|arg| arg == "--all");
    let session = servicetitan_examples::connect().await?;
    let crm = session.st.crm();

    // ServiceTitan returns only active records unless asked otherwise.
    let active = if all {
        ActiveRequestArg::Any
    } else {
        ActiveRequestArg::True
    };
    println!("Streaming customers (active={active}, pageSize={PAGE_SIZE})…");
    println!();

    let mut customers = crm
        .customers_get_list()
        .active(active)
        .page_size(PAGE_SIZE)
        .stream();
    let mut count = 0usize;
    let mut by_type: BTreeMap<String, usize> = BTreeMap::new();
    while let Some(customer) = customers.try_next().await? {
        count += 1;
        *by_type.entry(customer.type_.to_string()).or_default() += 1;
        if count <= SHOWN {
            println!(
                "{:>10}  {:<32} {:<12} {}, {}",
                customer.id,
                customer.name,
                customer.type_,
                customer.address.city,
                customer.address.state
            );
        } else if count == SHOWN + 1 {
            println!("       …");
        }
    }

    println!();
    let pages = count.div_ceil(PAGE_SIZE as usize).max(1);
    println!("{count} customers in {pages} page(s) of up to {PAGE_SIZE}");
    for (kind, n) in &by_type {
        println!("  {kind}: {n}");
    }
    if let Some(simulator) = &session.simulator {
        println!(
            "The simulator saw {} token request(s) and {} API request(s).",
            simulator.token_requests(),
            simulator.api_requests()
        );
    }
    Ok(())
}
