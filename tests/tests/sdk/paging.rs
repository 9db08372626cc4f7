//! Paged lists through the generated `.stream()` and `.pages()`.

use futures::{StreamExt, TryStreamExt};
use st_mock::Resource;

use crate::support::Harness;

#[tokio::test]
async fn stream_yields_every_active_employee_once_in_order_with_one_token() {
    let h = Harness::start().await;
    let expected = h.active_ids(Resource::Employees);
    assert!(expected.len() > 75, "the seed should span several pages");

    let ids: Vec<i64> =
        h.st.settings()
            .employees_get_list()
            .page_size(25)
            .stream()
            .map_ok(|employee| employee.id)
            .try_collect()
            .await
            .unwrap();

    assert_eq!(ids, expected);
    assert_eq!(h.mock.token_requests(), 1);
    let requests = h.api_requests();
    assert_eq!(requests.len(), expected.len().div_ceil(25));
    for (i, request) in requests.iter().enumerate() {
        assert_eq!(request.query_param("pageSize").as_deref(), Some("25"));
        assert_eq!(
            request.query_param("page"),
            Some((i + 1).to_string()),
            "{:?}",
            request.query
        );
        assert_eq!(request.query_param("page_size"), None);
    }
}

#[tokio::test]
async fn stream_requests_the_next_page_only_when_the_reader_gets_there() {
    let h = Harness::start().await;

    let first: Vec<i64> =
        h.st.crm()
            .customers_get_list()
            .page_size(20)
            .stream()
            .take(25)
            .map_ok(|customer| customer.id)
            .try_collect()
            .await
            .unwrap();

    assert_eq!(first, h.active_ids(Resource::Customers)[..25].to_vec());
    // 25 items of 20 per page: pages 1 and 2, never page 3.
    let pages: Vec<Option<String>> = h
        .api_requests()
        .iter()
        .map(|r| r.query_param("page"))
        .collect();
    assert_eq!(pages, [Some("1".to_owned()), Some("2".to_owned())]);
}

#[tokio::test]
async fn pages_with_include_total_carry_the_total_and_end_where_has_more_is_false() {
    let h = Harness::start().await;
    let active = h.active_ids(Resource::Customers);

    let pages: Vec<_> =
        h.st.crm()
            .customers_get_list()
            .page_size(120)
            .include_total(true)
            .pages()
            .try_collect()
            .await
            .unwrap();

    assert_eq!(pages.len(), active.len().div_ceil(120));
    for (i, page) in pages.iter().enumerate() {
        assert_eq!(page.page, i as i64 + 1);
        assert_eq!(page.page_size, 120);
        assert_eq!(page.total_count, Some(active.len() as i64));
        assert_eq!(page.has_more, i + 1 < pages.len());
    }
    let ids: Vec<i64> = pages
        .iter()
        .flat_map(|page| page.data.iter().map(|c| c.id))
        .collect();
    assert_eq!(ids, active);
    for request in h.api_requests() {
        assert_eq!(request.query_param("includeTotal").as_deref(), Some("true"));
    }
}

#[tokio::test]
async fn stream_keeps_the_callers_filters_on_every_page() {
    let h = Harness::start().await;
    let every_id = h.mock.ids(Resource::Customers);

    let ids: Vec<i64> =
        h.st.crm()
            .customers_get_list()
            .active(servicetitan::crm::types::ActiveRequestArg::Any)
            .page_size(200)
            .stream()
            .map_ok(|customer| customer.id)
            .try_collect()
            .await
            .unwrap();

    assert_eq!(ids, every_id, "active=Any includes the inactive customers");
    for request in h.api_requests() {
        assert_eq!(request.query_param("active").as_deref(), Some("Any"));
    }
}
