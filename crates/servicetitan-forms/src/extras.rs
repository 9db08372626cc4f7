//! Hand-written operations that progenitor cannot express (see `GENERATION.md`): job
//! attachments.
//!
//! - [`Client::jobs_create_attachment`] (`Jobs_CreateAttachment`, `POST /jobs/{id}/attachments`):
//!   the spec declares a JSON body with a binary field; ServiceTitan takes `multipart/form-data`
//!   with a `file` part.
//! - [`Client::jobs_get`] (`Jobs_Get`, `GET /jobs/attachment/{id}`): the file; the spec declares
//!   its `200` without a body.
//! - [`Client::jobs_get_job_attachments`] (`Jobs_GetJobAttachments`,
//!   `GET /jobs/{jobId}/attachments`): a paged list whose `200` the spec declares without a
//!   body; typed here as [`JobAttachment`]s, with `.stream()` and `.pages()` like the generated
//!   list operations.
//!
//! All go through [`st_core`] like every generated call (token, `ST-App-Key`, retries, errors);
//! [`st_core::extras`] describes uploads and downloads in detail.
//!
//! ```no_run
//! use futures::TryStreamExt;
//! use servicetitan_forms::Client;
//! use servicetitan_forms::extras::Upload;
//!
//! # async fn run(client: Client) -> Result<(), st_core::Error> {
//! let job_id = 4_200_117;
//! let photo = Upload::new("after.jpg", std::fs::read("after.jpg").unwrap());
//! let created = client.jobs_create_attachment(job_id, photo).await?;
//! println!("attached {}", created.file_name);
//!
//! let mut attachments = client.jobs_get_job_attachments(job_id).page_size(200).stream();
//! while let Some(attachment) = attachments.try_next().await? {
//!     let file = client.jobs_get(attachment.id).await?;
//!     println!("{:?}: {} bytes", attachment.file_name, file.bytes().await?.len());
//! }
//! # Ok(())
//! # }
//! ```

use serde::{Deserialize, Serialize};
use st_core::Timestamp;
use st_core::paging::{self, Page, PagedRequest};

pub use st_core::extras::{Download, DownloadRequest, Upload};

use crate::{Client, ClientInfo, types};

impl Client {
    /// Attaches a file to a job (`Jobs_CreateAttachment`, `POST /jobs/{id}/attachments`, scope
    /// `tn.frm.jobs:w`); `id` is the job's id.
    ///
    /// The file goes as the `file` part of a `multipart/form-data` body, with the [`Upload`]'s
    /// file name and content type. ServiceTitan answers with the attachment's original file name.
    pub async fn jobs_create_attachment(
        &self,
        id: i64,
        file: Upload,
    ) -> Result<types::AttachmentResponse, st_core::Error> {
        let request = self
            .core()
            .http()
            .post(format!("{}/jobs/{id}/attachments", self.baseurl()));
        st_core::extras::upload(self.core(), request, file, "Jobs_CreateAttachment").await
    }

    /// Downloads a job attachment (`Jobs_Get`, `GET /jobs/attachment/{id}`, scope
    /// `tn.frm.jobs:r`).
    ///
    /// `id` is the attachment's id, as returned by other job API endpoints (for one,
    /// [`jobs_get_job_attachments`](Client::jobs_get_job_attachments)). ServiceTitan answers with
    /// the file; should it redirect to storage instead, the redirect is followed without
    /// ServiceTitan's headers (see [`DownloadRequest::follow_redirect`]). An unknown id is an
    /// [`st_core::Error::Api`] with status 404.
    pub fn jobs_get(&self, id: i64) -> DownloadRequest {
        let request = self
            .core()
            .http()
            .get(format!("{}/jobs/attachment/{id}", self.baseurl()));
        st_core::extras::download(self.core(), request, "Jobs_Get")
    }

    /// Lists the attachments of a job (`Jobs_GetJobAttachments`, `GET /jobs/{jobId}/attachments`,
    /// scope `tn.frm.jobs:r`).
    ///
    /// Set filters and paging on the returned builder, then `.send()` for one page,
    /// `.stream()` for every attachment or `.pages()` for every page.
    pub fn jobs_get_job_attachments(&self, job_id: i64) -> JobsGetJobAttachments<'_> {
        JobsGetJobAttachments {
            client: self,
            job_id,
            created_before: None,
            created_on_or_after: None,
            sort: None,
            page: None,
            page_size: None,
            include_total: None,
        }
    }
}

/// An attachment of a job, as [`Client::jobs_get_job_attachments`] lists it.
///
/// The spec declares no body for that response, so only the fields the API itself refers to
/// are typed: `id` (what [`Client::jobs_get`] takes), `fileName` (what
/// [`Client::jobs_create_attachment`] answers with) and `createdOn` (what the list filters
/// on). Every other field is kept, as sent, in [`extra`](JobAttachment::extra).
#[derive(Clone, Debug, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct JobAttachment {
    /// The attachment's id: pass it to [`Client::jobs_get`] to download the file.
    pub id: i64,
    /// The file's name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file_name: Option<String>,
    /// When the attachment was created.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_on: Option<Timestamp>,
    /// The record's other fields.
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

/// The paged envelope ServiceTitan wraps lists in.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct JobAttachmentPage {
    #[serde(default)]
    page: i64,
    #[serde(default)]
    page_size: i64,
    has_more: bool,
    #[serde(default)]
    total_count: Option<i64>,
    data: Vec<JobAttachment>,
}

/// The request of [`Client::jobs_get_job_attachments`]: filters and paging, then `.send()`,
/// `.stream()` or `.pages()`.
#[derive(Clone, Debug)]
#[must_use = "a request does nothing until it is sent or streamed"]
pub struct JobsGetJobAttachments<'a> {
    client: &'a Client,
    job_id: i64,
    created_before: Option<Timestamp>,
    created_on_or_after: Option<Timestamp>,
    sort: Option<String>,
    page: Option<i32>,
    page_size: Option<i32>,
    include_total: Option<bool>,
}

impl<'a> JobsGetJobAttachments<'a> {
    /// Only attachments created before this time.
    pub fn created_before(mut self, time: impl Into<Timestamp>) -> Self {
        self.created_before = Some(time.into());
        self
    }

    /// Only attachments created at or after this time.
    pub fn created_on_or_after(mut self, time: impl Into<Timestamp>) -> Self {
        self.created_on_or_after = Some(time.into());
        self
    }

    /// The order, as ServiceTitan's lists take it: a field name prefixed with `+` (ascending)
    /// or `-` (descending).
    pub fn sort(mut self, sort: impl Into<String>) -> Self {
        self.sort = Some(sort.into());
        self
    }

    /// The page to fetch (1-based). `.stream()` and `.pages()` set it themselves.
    pub fn page(mut self, page: i32) -> Self {
        self.page = Some(page);
        self
    }

    /// Records per page (ServiceTitan's default is 50).
    pub fn page_size(mut self, page_size: i32) -> Self {
        self.page_size = Some(page_size);
        self
    }

    /// Whether to return `totalCount` (ServiceTitan counts only when asked to).
    pub fn include_total(mut self, include_total: bool) -> Self {
        self.include_total = Some(include_total);
        self
    }

    /// Fetches one page.
    pub async fn send(self) -> Result<Page<JobAttachment>, st_core::Error> {
        let mut query: Vec<(&str, String)> = Vec::new();
        if let Some(time) = &self.created_before {
            query.push(("createdBefore", time.to_string()));
        }
        if let Some(time) = &self.created_on_or_after {
            query.push(("createdOnOrAfter", time.to_string()));
        }
        if let Some(sort) = &self.sort {
            query.push(("sort", sort.clone()));
        }
        if let Some(page) = self.page {
            query.push(("page", page.to_string()));
        }
        if let Some(page_size) = self.page_size {
            query.push(("pageSize", page_size.to_string()));
        }
        if let Some(include_total) = self.include_total {
            query.push(("includeTotal", include_total.to_string()));
        }
        let core = self.client.core();
        let request = core
            .http()
            .get(format!(
                "{}/jobs/{}/attachments",
                self.client.baseurl(),
                self.job_id
            ))
            .query(&query);
        let body: JobAttachmentPage =
            st_core::extras::send_json(core, request, "Jobs_GetJobAttachments").await?;
        Ok(Page {
            page: body.page,
            page_size: body.page_size,
            has_more: body.has_more,
            total_count: body.total_count,
            data: body.data,
        })
    }

    /// Every attachment of every page, fetching the next page only when needed.
    pub fn stream(
        self,
    ) -> impl futures::Stream<Item = Result<JobAttachment, st_core::Error>> + Send + Unpin + 'a
    {
        paging::items(self)
    }

    /// Whole pages, one request each, lazily.
    pub fn pages(
        self,
    ) -> impl futures::Stream<Item = Result<Page<JobAttachment>, st_core::Error>> + Send + Unpin + 'a
    {
        paging::pages(self)
    }
}

impl PagedRequest for JobsGetJobAttachments<'_> {
    type Item = JobAttachment;

    fn with_page(self, page: i32) -> Self {
        self.page(page)
    }

    async fn fetch_page(self) -> Result<Page<JobAttachment>, st_core::Error> {
        self.send().await
    }
}
