//! Hand-written operations that progenitor cannot express (see `GENERATION.md`): the installed
//! equipment attachment upload and download.
//!
//! - [`Client::installed_equipment_post_attachment`] (`InstalledEquipment_PostAttachment`,
//!   `POST /installed-equipment/attachments`): the spec declares a JSON body with a binary
//!   field; ServiceTitan takes `multipart/form-data` with a `file` part.
//! - [`Client::installed_equipment_get2`] (`InstalledEquipment_Get2`,
//!   `GET /installed-equipment/attachments?path=…`): ServiceTitan answers with a `302` to a
//!   temporary storage URL (or with the file), which the generated code could not express.
//!
//! Both go through [`st_core`] like every generated call (token, `ST-App-Key`, retries, errors);
//! [`st_core::extras`] describes uploads and redirects in detail.
//!
//! ```no_run
//! use servicetitan_equipment_systems::Client;
//! use servicetitan_equipment_systems::extras::Upload;
//!
//! # async fn run(client: Client) -> Result<(), st_core::Error> {
//! let manual = Upload::new("manual.pdf", std::fs::read("manual.pdf").unwrap());
//! let uploaded = client.installed_equipment_post_attachment(manual).await?;
//!
//! let file = client.installed_equipment_get2(&uploaded.path).await?;
//! println!("{:?}, {:?} bytes", file.content_type(), file.content_length());
//! let bytes = file.bytes().await?;
//! # let _ = bytes;
//! # Ok(())
//! # }
//! ```

pub use st_core::extras::{Download, DownloadRequest, Upload};

use crate::{Client, ClientInfo, types};

impl Client {
    /// Uploads a file for installed equipment (`InstalledEquipment_PostAttachment`,
    /// `POST /installed-equipment/attachments`, scope `tn.eqs.installedequipment:w`).
    ///
    /// Returns the [`path`](types::AttachmentUploadResponse::path) of the uploaded file, to use
    /// in subsequent requests (ServiceTitan answers `200` or `201`, both with the path). The file
    /// goes as the `file` part of a `multipart/form-data` body, with the [`Upload`]'s file name
    /// and content type.
    pub async fn installed_equipment_post_attachment(
        &self,
        file: Upload,
    ) -> Result<types::AttachmentUploadResponse, st_core::Error> {
        let request = self.core().http().post(format!(
            "{}/installed-equipment/attachments",
            self.baseurl()
        ));
        st_core::extras::upload(
            self.core(),
            request,
            file,
            "InstalledEquipment_PostAttachment",
        )
        .await
    }

    /// Downloads an installed equipment attachment (`InstalledEquipment_Get2`,
    /// `GET /installed-equipment/attachments?path=…`, scope `tn.eqs.installedequipment:r`).
    ///
    /// `path` is the attachment's path, as returned by
    /// [`installed_equipment_post_attachment`](Client::installed_equipment_post_attachment).
    ///
    /// ServiceTitan answers with a redirect to a temporary URL, or with the file; awaiting the
    /// request follows the redirect (without ServiceTitan's headers) and returns the file. With
    /// [`.follow_redirect(false)`](DownloadRequest::follow_redirect) only the URL is fetched
    /// ([`Download::redirect`]). A path that does not exist is an [`st_core::Error::Api`] with
    /// status 404.
    pub fn installed_equipment_get2(&self, path: &str) -> DownloadRequest {
        let request = self
            .core()
            .http()
            .get(format!(
                "{}/installed-equipment/attachments",
                self.baseurl()
            ))
            .query(&[("path", path)]);
        st_core::extras::download(self.core(), request, "InstalledEquipment_Get2")
    }
}
