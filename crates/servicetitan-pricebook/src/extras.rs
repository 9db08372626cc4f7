//! Hand-written operations that progenitor cannot express (see `GENERATION.md`): the pricebook
//! image upload and download.
//!
//! - [`Client::images_post`] (`Images_Post`, `POST /images`): the spec declares a JSON body with
//!   a binary field; ServiceTitan takes `multipart/form-data` with a `file` part.
//! - [`Client::images_get`] (`Images_Get`, `GET /images?path=…`): ServiceTitan answers with a
//!   `302` to a temporary storage URL, which the generated code could only report as an error.
//!
//! Both go through [`st_core`] like every generated call (token, `ST-App-Key`, retries, errors);
//! [`st_core::extras`] describes uploads and redirects in detail.
//!
//! ```no_run
//! use servicetitan_pricebook::Client;
//! use servicetitan_pricebook::extras::Upload;
//!
//! # async fn run(client: Client) -> Result<(), st_core::Error> {
//! let image = Upload::new("unit.jpg", std::fs::read("unit.jpg").unwrap()).content_type("image/jpeg");
//! let uploaded = client.images_post(image).await?;
//! // `uploaded.path` goes into a pricebook item's images in a separate update.
//!
//! let file = client.images_get(&uploaded.path).await?;
//! let bytes = file.bytes().await?;
//! # let _ = bytes;
//! # Ok(())
//! # }
//! ```

pub use st_core::extras::{Download, DownloadRequest, Upload};

use crate::{Client, ClientInfo, types};

impl Client {
    /// Uploads an image to temporary storage (`Images_Post`, `POST /images`, scope
    /// `tn.pb.images:w`).
    ///
    /// To associate the image with a pricebook item, send the returned
    /// [`path`](types::ImageUploadResponse::path) in a separate request that updates that item.
    /// The image goes as the `file` part of a `multipart/form-data` body, with the
    /// [`Upload`]'s file name and content type.
    pub async fn images_post(
        &self,
        image: Upload,
    ) -> Result<types::ImageUploadResponse, st_core::Error> {
        let request = self
            .core()
            .http()
            .post(format!("{}/images", self.baseurl()));
        st_core::extras::upload(self.core(), request, image, "Images_Post").await
    }

    /// Downloads a pricebook image (`Images_Get`, `GET /images?path=…`, scope `tn.pb.images:r`).
    ///
    /// `path` is the storage path of the image, as returned by other pricebook API endpoints; it
    /// is case sensitive and begins with `Images/`.
    ///
    /// ServiceTitan answers with a redirect to a temporary URL; awaiting the request follows it
    /// (without ServiceTitan's headers) and returns the image. With
    /// [`.follow_redirect(false)`](DownloadRequest::follow_redirect) only the URL is fetched
    /// ([`Download::redirect`]). A path that does not exist is an [`st_core::Error::Api`] with
    /// status 404.
    pub fn images_get(&self, path: &str) -> DownloadRequest {
        let request = self
            .core()
            .http()
            .get(format!("{}/images", self.baseurl()))
            .query(&[("path", path)]);
        st_core::extras::download(self.core(), request, "Images_Get")
    }
}
