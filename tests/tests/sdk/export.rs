//! Export feeds through the generated `.export()`: checkpoints and resuming.

use std::collections::BTreeSet;

use futures::TryStreamExt;
use servicetitan::crm::types::UpdateCustomerRequest;
use servicetitan::paging::Checkpoint;
use st_mock::{MockServer, Resource};

use crate::support::Harness;

const PAGE: usize = 100;

#[tokio::test]
async fn export_killed_after_page_two_resumes_at_page_three_and_repeats_nothing() {
    let h = Harness::start_with(MockServer::builder().export_page_size(PAGE)).await;
    let every_id: BTreeSet<i64> = h.mock.ids(Resource::Customers).into_iter().collect();
    assert!(every_id.len() > 4 * PAGE);

    // First run: two pages, persisting the checkpoint after each, then the process dies.
    let mut saved = String::new();
    let mut first_run = Vec::new();
    {
        let crm = h.st.crm();
        let mut pages = crm.export_customers_get_customers().export().pages();
        for _ in 0..2 {
            let (page, checkpoint) = pages.try_next().await.unwrap().expect("a page");
            assert!(page.has_more);
            first_run.extend(page.data.iter().map(|c| c.id));
            saved = serde_json::to_string(&checkpoint).unwrap();
        }
        // Dropped here without reading further: killed.
    }
    assert_eq!(h.api_requests().len(), 2);
    assert_eq!(first_run.len(), 2 * PAGE);

    // Second run: another process, resuming from what was persisted.
    h.mock.clear_requests();
    let restarted = h.restart_client();
    let checkpoint: Checkpoint = serde_json::from_str(&saved).unwrap();
    let pages: Vec<_> = restarted
        .crm()
        .export_customers_get_customers()
        .export()
        .from_checkpoint(&checkpoint)
        .pages()
        .try_collect()
        .await
        .unwrap();
    let second_run: Vec<i64> = pages
        .iter()
        .flat_map(|(page, _)| page.data.iter().map(|c| c.id))
        .collect();

    // It asked for page 3 first (`from` = the checkpoint of page 2) and went on to the end.
    let requests = h.api_requests();
    assert_eq!(
        requests[0].query_param("from").as_deref(),
        checkpoint.continue_from()
    );
    assert_eq!(requests.len(), every_id.len().div_ceil(PAGE) - 2);
    assert!(!pages.last().unwrap().0.has_more);

    // Nothing twice, nothing lost, and the same order as an uninterrupted export.
    let first: BTreeSet<i64> = first_run.iter().copied().collect();
    let second: BTreeSet<i64> = second_run.iter().copied().collect();
    assert!(first.is_disjoint(&second));
    assert_eq!(
        first.len() + second.len(),
        first_run.len() + second_run.len()
    );
    assert_eq!(&first | &second, every_id);

    let uninterrupted: Vec<i64> =
        h.st.crm()
            .export_customers_get_customers()
            .export()
            .pages()
            .map_ok(|(page, _)| page.data.into_iter().map(|c| c.id).collect::<Vec<_>>())
            .try_concat()
            .await
            .unwrap();
    assert_eq!([first_run, second_run].concat(), uninterrupted);
}

#[tokio::test]
async fn export_resumed_from_the_final_checkpoint_delivers_only_later_changes() {
    let h = Harness::start_with(MockServer::builder().export_page_size(PAGE)).await;
    let crm = h.st.crm();

    // Caught up: the last page says `hasMore: false` and still has a checkpoint.
    let pages: Vec<_> = crm
        .export_customers_get_customers()
        .export()
        .pages()
        .try_collect()
        .await
        .unwrap();
    let (last_page, caught_up) = pages.last().unwrap().clone();
    assert!(!last_page.has_more);
    assert!(!caught_up.is_start());

    // A change after that…
    let id = h.mock.ids(Resource::Customers)[7];
    crm.customers_update()
        .id(id)
        .body(UpdateCustomerRequest {
            name: Some("Renamed After Export".to_owned()),
            ..UpdateCustomerRequest::default()
        })
        .send()
        .await
        .unwrap();

    // …is all the next poll from the checkpoint delivers.
    let later: Vec<_> = crm
        .export_customers_get_customers()
        .export()
        .from_checkpoint(&caught_up)
        .pages()
        .try_collect()
        .await
        .unwrap();
    let changed: Vec<(i64, String)> = later
        .iter()
        .flat_map(|(page, _)| page.data.iter().map(|c| (c.id, c.name.clone())))
        .collect();
    assert_eq!(changed, [(id, "Renamed After Export".to_owned())]);
}
