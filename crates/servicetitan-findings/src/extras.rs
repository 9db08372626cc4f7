//! Hand-written operations that progenitor cannot express (see `GENERATION.md`): the finding
//! asset upload and download.
//!
//! - [`Client::finding_assets_post_attachment`] (`FindingAssets_PostAttachment`,
//!   `POST /assets`): the spec declares a JSON body with a binary field; ServiceTitan takes
//!   `multipart/form-data` with a `file` part.
//! - [`Client::finding_assets_get`] (`FindingAssets_Get`, `GET /assets?path=…`): ServiceTitan
//!   answers with a `302` to a temporary download URL, which the generated code could not
//!   express.
//!
//! Both go through [`st_core`] like every generated call (token, `ST-App-Key`, retries, errors);
//! [`st_core::extras`] describes uploads and redirects in detail.
//!
//! ```no_run
//! use servicetitan_findings::Client;
//! use servicetitan_findings::extras::Upload;
//!
//! # async fn run(client: Client) -> Result<(), st_core::Error> {
//! let photo = Upload::new("corrosion.jpg", std::fs::read("corrosion.jpg").unwrap());
//! let asset = client.finding_assets_post_attachment(photo).await?;
//! // `asset.path` is what finding requests take to refer to the file.
//!
//! let url = client.finding_assets_get(&asset.path).follow_redirect(false).await?;
//! println!("temporary link: {:?}", url.redirect());
//! # Ok(())
//! # }
//! ```

pub use st_core::extras::{Download, DownloadRequest, Upload};

use crate::{Client, ClientInfo, types};

impl Client {
    /// Uploads a file and returns the asset path for use in `/findings` requests
    /// (`FindingAssets_PostAttachment`, `POST /assets`, scope `tn.fdgs.assets:w`).
    ///
    /// The file goes as the `file` part of a `multipart/form-data` body, with the [`Upload`]'s
    /// file name and content type.
    pub async fn finding_assets_post_attachment(
        &self,
        file: Upload,
    ) -> Result<types::FindingAssetUploadResponse, st_core::Error> {
        let request = self
            .core()
            .http()
            .post(format!("{}/assets", self.baseurl()));
        st_core::extras::upload(self.core(), request, file, "FindingAssets_PostAttachment").await
    }

    /// Downloads an asset by path (`FindingAssets_Get`, `GET /assets?path=…`, scope
    /// `tn.fdgs.assets:r`).
    ///
    /// `path` is the asset path returned by
    /// [`finding_assets_post_attachment`](Client::finding_assets_post_attachment), the one a
    /// finding attachment refers to.
    ///
    /// ServiceTitan redirects to a temporary download URL; awaiting the request follows it
    /// (without ServiceTitan's headers) and returns the file. With
    /// [`.follow_redirect(false)`](DownloadRequest::follow_redirect) only the URL is fetched
    /// ([`Download::redirect`]). A path that does not exist is an [`st_core::Error::Api`] with
    /// status 404.
    pub fn finding_assets_get(&self, path: &str) -> DownloadRequest {
        let request = self
            .core()
            .http()
            .get(format!("{}/assets", self.baseurl()))
            .query(&[("path", path)]);
        st_core::extras::download(self.core(), request, "FindingAssets_Get")
    }
}
