//! Building blocks for the operations that generated clients cannot express, written by hand in
//! each area crate's `extras` module: file uploads and file downloads.
//!
//! # Uploads
//!
//! ServiceTitan's specs declare their uploads (pricebook images, installed-equipment
//! attachments, finding assets, job attachments) as a JSON body with a `binary` field, but the
//! API takes `multipart/form-data` with one part named `file`. [`Upload`] is that file (name,
//! content type, bytes or a stream) and [`upload`] sends it with the usual token, `ST-App-Key`
//! and transport policy, decoding the JSON answer.
//!
//! An upload made from bytes is encoded in memory before it is sent, so the transport policy can
//! send it again: after a `401` (with a new token) and after `429`/`503`. An upload made from a
//! stream is sent as it is read and therefore only once; a failure is returned as it is.
//!
//! # Downloads
//!
//! ServiceTitan answers most file downloads with `302 Found` and a `Location` on a storage host
//! (a pre-signed URL that is itself the credential), and some with the file itself. [`download`]
//! handles both:
//!
//! - The request to ServiceTitan carries the token and `ST-App-Key` and goes through the
//!   transport policy; `4xx`/`5xx` become [`Error::Api`] as for every other call.
//! - The redirect is followed with a plain `GET`, without `Authorization` or `ST-App-Key`: the
//!   storage host needs neither, and must not see the app key. (The shared HTTP client does not
//!   follow redirects to other hosts for the same reason, see [`Core::send`].) No retries or
//!   rate limit apply to that request: it is not a ServiceTitan API call.
//! - [`Download::redirect`] tells where ServiceTitan pointed. With
//!   [`DownloadRequest::follow_redirect(false)`](DownloadRequest::follow_redirect) the file is
//!   not fetched until [`Download::bytes`] or [`Download::stream`] asks for it, so the URL can be
//!   handed to someone else (a browser, another process) instead. It expires, like every
//!   pre-signed URL; treat it as a secret while it is valid.
//!
//! ```no_run
//! use futures::TryStreamExt;
//! use st_core::extras::{self, Upload};
//!
//! # async fn run(core: st_core::Core) -> Result<(), st_core::Error> {
//! let base = core.api_base_url("/pricebook/v2");
//!
//! // Upload: multipart/form-data with a `file` part; the answer is JSON.
//! let photo = Upload::new("unit.jpg", std::fs::read("unit.jpg").unwrap()).content_type("image/jpeg");
//! let uploaded: serde_json::Value =
//!     extras::upload(&core, core.http().post(format!("{base}/images")), photo, "Images_Post")
//!         .await?;
//!
//! // Download: follows the 302 to the storage host without ServiceTitan's headers.
//! let request = core.http().get(format!("{base}/images")).query(&[("path", "Images/unit.jpg")]);
//! let file = extras::download(&core, request, "Images_Get").await?;
//! println!("{:?} {:?}", file.content_type(), file.content_length());
//! let mut chunks = file.stream().await?;
//! while let Some(chunk) = chunks.try_next().await? {
//!     println!("{} bytes", chunk.len());
//! }
//! # let _ = uploaded;
//! # Ok(())
//! # }
//! ```

use std::fmt;
use std::future::IntoFuture;

use bytes::Bytes;
use futures::future::BoxFuture;
use futures::stream::{BoxStream, StreamExt, TryStreamExt};
use reqwest::header::{CONTENT_DISPOSITION, CONTENT_TYPE, HeaderMap, LOCATION};
use reqwest::multipart::{Form, Part};
use reqwest::{Request, RequestBuilder, Response, StatusCode, Url};
use serde::de::DeserializeOwned;

use crate::core::Core;
use crate::error::{ApiError, Error};

/// The name of the form part that carries the file in every ServiceTitan upload.
pub const FILE_PART: &str = "file";

/// How many redirects a storage host may add after ServiceTitan's own before the download gives
/// up.
const MAX_STORAGE_REDIRECTS: usize = 5;

/// A file to upload: its name, content type and content (bytes in memory, or a stream).
///
/// ```
/// use st_core::extras::Upload;
///
/// let photo = Upload::new("front.jpg", vec![0xFF, 0xD8, 0xFF]).content_type("image/jpeg");
/// assert_eq!(photo.file_name(), "front.jpg");
///
/// // Without `content_type`, common extensions are recognised; anything else is
/// // `application/octet-stream`.
/// let report = Upload::new("report.pdf", &b"%PDF-1.7"[..]);
/// assert_eq!(report.effective_content_type(), "application/pdf");
/// ```
pub struct Upload {
    file_name: String,
    content_type: Option<String>,
    content: Content,
}

enum Content {
    Bytes(Bytes),
    Stream(reqwest::Body),
}

impl Upload {
    /// A file with this name and content.
    pub fn new(file_name: impl Into<String>, content: impl Into<Bytes>) -> Self {
        Self {
            file_name: file_name.into(),
            content_type: None,
            content: Content::Bytes(content.into()),
        }
    }

    /// A file whose content is read from `stream` while it is sent (a large file, a file being
    /// produced). Such an upload is sent once: the transport policy cannot repeat it after a
    /// `401`, `429` or `503`.
    ///
    /// ```
    /// use st_core::extras::Upload;
    ///
    /// let chunks = futures::stream::iter(vec![
    ///     Ok::<_, std::io::Error>(bytes::Bytes::from_static(b"col1,col2\n")),
    ///     Ok(bytes::Bytes::from_static(b"1,2\n")),
    /// ]);
    /// let upload = Upload::from_stream("export.csv", chunks);
    /// assert_eq!(upload.effective_content_type(), "text/csv");
    /// ```
    pub fn from_stream<S>(file_name: impl Into<String>, stream: S) -> Self
    where
        S: futures::TryStream + Send + 'static,
        S::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
        Bytes: From<S::Ok>,
    {
        Self {
            file_name: file_name.into(),
            content_type: None,
            content: Content::Stream(reqwest::Body::wrap_stream(stream)),
        }
    }

    /// The file's media type (`image/jpeg`, `application/pdf`, …). Checked when the upload is
    /// sent; an invalid value is an [`Error::InvalidRequest`].
    pub fn content_type(mut self, content_type: impl Into<String>) -> Self {
        self.content_type = Some(content_type.into());
        self
    }

    /// The file name sent with the content.
    pub fn file_name(&self) -> &str {
        &self.file_name
    }

    /// The media type that will be sent: the one set with [`Upload::content_type`], else one
    /// guessed from the file name's extension, else `application/octet-stream`.
    pub fn effective_content_type(&self) -> &str {
        self.content_type
            .as_deref()
            .unwrap_or_else(|| guess_content_type(&self.file_name))
    }

    /// Puts the file on `request` as `multipart/form-data` with one part named `part`.
    async fn attach(self, request: RequestBuilder, part: &'static str) -> Result<Request, Error> {
        let content_type = self.effective_content_type().to_owned();
        let (value, buffered_len) = match self.content {
            Content::Bytes(bytes) => {
                let len = bytes.len();
                (Part::stream_with_length(bytes, len as u64), Some(len))
            }
            Content::Stream(body) => (Part::stream(body), None),
        };
        let value = value
            .file_name(self.file_name)
            .mime_str(&content_type)
            .map_err(|_| {
                Error::InvalidRequest("the upload's content type is not a valid media type".into())
            })?;
        let form = Form::new().part(part, value);
        let header = format!("multipart/form-data; boundary={}", form.boundary());
        let request = request.header(CONTENT_TYPE, header);
        let request = match buffered_len {
            // reqwest sends a form as a stream, which the transport policy cannot resend; in
            // memory anyway, the encoded form costs one copy and makes the request repeatable.
            Some(len) => {
                let body = form
                    .into_stream()
                    .try_fold(Vec::with_capacity(len + 512), |mut body, chunk| {
                        body.extend_from_slice(&chunk);
                        futures::future::ready(Ok(body))
                    })
                    .await
                    .map_err(Error::from_reqwest)?;
                request.body(body)
            }
            None => request.body(reqwest::Body::wrap_stream(form.into_stream())),
        };
        request.build().map_err(Error::from_reqwest)
    }
}

impl fmt::Debug for Upload {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut s = f.debug_struct("Upload");
        s.field("file_name", &self.file_name)
            .field("content_type", &self.effective_content_type());
        match &self.content {
            Content::Bytes(bytes) => s.field("len", &bytes.len()),
            Content::Stream(_) => s.field("len", &"(stream)"),
        };
        s.finish()
    }
}

/// The media type of common file extensions (case-insensitive), else
/// `application/octet-stream`.
fn guess_content_type(file_name: &str) -> &'static str {
    let extension = file_name
        .rsplit_once('.')
        .map(|(_, ext)| ext.to_ascii_lowercase())
        .unwrap_or_default();
    match extension.as_str() {
        "jpg" | "jpeg" => "image/jpeg",
        "png" => "image/png",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "heic" => "image/heic",
        "bmp" => "image/bmp",
        "tif" | "tiff" => "image/tiff",
        "svg" => "image/svg+xml",
        "pdf" => "application/pdf",
        "txt" => "text/plain",
        "csv" => "text/csv",
        "json" => "application/json",
        "xml" => "application/xml",
        "zip" => "application/zip",
        "doc" => "application/msword",
        "docx" => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "xls" => "application/vnd.ms-excel",
        "xlsx" => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "mp4" => "video/mp4",
        "mov" => "video/quicktime",
        "mp3" => "audio/mpeg",
        "wav" => "audio/wav",
        _ => "application/octet-stream",
    }
}

/// Sends `file` as `multipart/form-data` (one part named [`FILE_PART`]) with `request`'s method,
/// URL and headers, through [`Core::send`], and decodes the JSON answer.
///
/// `4xx`/`5xx` answers are [`Error::Api`] (or [`Error::RateLimited`]); a body that is not a `T`
/// is [`Error::Decode`]; a `3xx` is [`Error::UnexpectedResponse`].
pub async fn upload<T: DeserializeOwned>(
    core: &Core,
    request: RequestBuilder,
    file: Upload,
    operation_id: &'static str,
) -> Result<T, Error> {
    let request = file.attach(request, FILE_PART).await?;
    let response = core.send(request, operation_id).await?;
    decode_json(response, operation_id).await
}

/// Sends `request` through [`Core::send`] and decodes the JSON answer: for hand-written
/// operations whose response the spec does not describe well enough to generate.
///
/// Errors as for [`upload`].
pub async fn send_json<T: DeserializeOwned>(
    core: &Core,
    request: RequestBuilder,
    operation_id: &'static str,
) -> Result<T, Error> {
    let request = request.build().map_err(Error::from_reqwest)?;
    let response = core.send(request, operation_id).await?;
    decode_json(response, operation_id).await
}

async fn decode_json<T: DeserializeOwned>(
    response: Response,
    operation_id: &'static str,
) -> Result<T, Error> {
    let status = response.status();
    if !status.is_success() {
        return Err(Error::UnexpectedResponse {
            status,
            operation_id: Some(operation_id),
        });
    }
    let body = response.bytes().await.map_err(Error::from_reqwest)?;
    serde_json::from_slice(&body).map_err(|e| Error::decode_json(&body, &e))
}

/// Starts a download: `request` (a `GET` to ServiceTitan) is sent when the returned
/// [`DownloadRequest`] is awaited (or [`sent`](DownloadRequest::send)).
///
/// By default a redirect is followed, so the [`Download`] holds the file; see the
/// [module docs](self) for how.
pub fn download(
    core: &Core,
    request: RequestBuilder,
    operation_id: &'static str,
) -> DownloadRequest {
    DownloadRequest {
        core: core.clone(),
        request: request.build().map_err(Error::from_reqwest),
        operation_id,
        follow_redirect: true,
    }
}

/// A download ready to be sent: await it, or call [`send`](DownloadRequest::send).
///
/// Made by [`download`] and by the download methods of the area crates
/// (`client.images_get(path)`).
#[derive(Debug)]
#[must_use = "a download does nothing until it is awaited"]
pub struct DownloadRequest {
    core: Core,
    request: Result<Request, Error>,
    operation_id: &'static str,
    follow_redirect: bool,
}

impl DownloadRequest {
    /// Whether to fetch the file when ServiceTitan redirects to it (default: `true`).
    ///
    /// With `false` the [`Download`] only tells [where](Download::redirect) the file is; its
    /// [`bytes`](Download::bytes) and [`stream`](Download::stream) fetch it when called. An answer
    /// that is the file itself (no redirect) is returned as usual.
    pub fn follow_redirect(mut self, follow: bool) -> Self {
        self.follow_redirect = follow;
        self
    }

    /// Sends the request to ServiceTitan and, unless told otherwise, follows its redirect.
    pub async fn send(self) -> Result<Download, Error> {
        let Self {
            core,
            request,
            operation_id,
            follow_redirect,
        } = self;
        let response = core.send(request?, operation_id).await?;
        let status = response.status();
        if status.is_success() {
            return Ok(Download {
                core,
                operation_id,
                redirect: None,
                response: Some(response),
            });
        }
        let Some(location) = status
            .is_redirection()
            .then(|| location(&response))
            .flatten()
        else {
            return Err(Error::UnexpectedResponse {
                status,
                operation_id: Some(operation_id),
            });
        };
        let download = Download {
            core,
            operation_id,
            redirect: Some(location),
            response: None,
        };
        if follow_redirect {
            download.fetch().await
        } else {
            Ok(download)
        }
    }
}

impl IntoFuture for DownloadRequest {
    type Output = Result<Download, Error>;
    type IntoFuture = BoxFuture<'static, Result<Download, Error>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.send())
    }
}

/// Where a redirect points, resolved against the request URL; only `http` and `https` targets.
fn location(response: &Response) -> Option<Url> {
    let value = response.headers().get(LOCATION)?.to_str().ok()?;
    let url = response.url().join(value.trim()).ok()?;
    matches!(url.scheme(), "http" | "https").then_some(url)
}

/// A file from a ServiceTitan download operation.
///
/// Holds the file's response (status, headers, the body not yet read) once fetched, and the URL
/// ServiceTitan redirected to, if it did. Read the content once, with [`Download::bytes`] or
/// [`Download::stream`].
///
/// `Debug` shows the redirect without its query string: pre-signed URLs carry their signature
/// there.
pub struct Download {
    core: Core,
    operation_id: &'static str,
    redirect: Option<Url>,
    response: Option<Response>,
}

impl Download {
    /// The URL ServiceTitan redirected to (a pre-signed storage URL, valid for a limited time), or
    /// `None` when it answered with the file itself.
    pub fn redirect(&self) -> Option<&Url> {
        self.redirect.as_ref()
    }

    /// Whether the file's response is at hand (`false` only for an unfollowed redirect).
    pub fn is_fetched(&self) -> bool {
        self.response.is_some()
    }

    /// The file's headers, once fetched.
    pub fn headers(&self) -> Option<&HeaderMap> {
        self.response.as_ref().map(Response::headers)
    }

    /// The file's `Content-Type`, once fetched and if sent.
    pub fn content_type(&self) -> Option<&str> {
        self.headers()?.get(CONTENT_TYPE)?.to_str().ok()
    }

    /// The file's length in bytes, once fetched and if sent.
    pub fn content_length(&self) -> Option<u64> {
        self.response.as_ref()?.content_length()
    }

    /// The file name from `Content-Disposition` (`filename*=UTF-8''…` preferred over
    /// `filename=…`), once fetched and if sent.
    pub fn file_name(&self) -> Option<String> {
        content_disposition_file_name(self.headers()?.get(CONTENT_DISPOSITION)?.to_str().ok()?)
    }

    /// Fetches the file if ServiceTitan's redirect has not been followed yet.
    ///
    /// The storage host gets a plain `GET`: no token, no app key. Its `4xx`/`5xx` answers (for
    /// example `403` once a pre-signed URL has expired) are [`Error::Api`] with this download's
    /// operation id and an empty [`ApiError`]: storage hosts do not send ServiceTitan's error
    /// body.
    pub async fn fetch(mut self) -> Result<Self, Error> {
        if self.response.is_some() {
            return Ok(self);
        }
        let Some(mut url) = self.redirect.clone() else {
            // Unreachable by construction: a `Download` has a response or a redirect.
            return Err(Error::Other(
                "download has neither a file nor a redirect".into(),
            ));
        };
        let timeout = self.core.inner.app.timeouts.request;
        for _ in 0..=MAX_STORAGE_REDIRECTS {
            let response = self
                .core
                .http()
                .get(url)
                .timeout(timeout)
                .send()
                .await
                .map_err(Error::from_reqwest)?;
            let status = response.status();
            tracing::debug!(
                operation_id = self.operation_id,
                status = status.as_u16(),
                "fetched a download's redirect target"
            );
            if status.is_success() {
                self.response = Some(response);
                return Ok(self);
            }
            if status.is_client_error() || status.is_server_error() {
                return Err(Error::from_status(
                    status,
                    response.headers(),
                    ApiError::default(),
                    Some(self.operation_id),
                ));
            }
            match status
                .is_redirection()
                .then(|| location(&response))
                .flatten()
            {
                Some(next) => url = next,
                None => return Err(self.unexpected(status)),
            }
        }
        Err(self.unexpected(StatusCode::FOUND))
    }

    /// The file's HTTP response (fetched first if needed), for full control over reading it.
    pub async fn into_response(self) -> Result<Response, Error> {
        let fetched = self.fetch().await?;
        fetched
            .response
            .ok_or_else(|| Error::Other("download was not fetched".into()))
    }

    /// The whole file in memory (fetched first if needed).
    pub async fn bytes(self) -> Result<Bytes, Error> {
        self.into_response()
            .await?
            .bytes()
            .await
            .map_err(Error::from_reqwest)
    }

    /// The file as a stream of chunks (fetched first if needed), for files too large to hold in
    /// memory. The request timeout of the [`Core`] covers reading the whole body.
    pub async fn stream(self) -> Result<BoxStream<'static, Result<Bytes, Error>>, Error> {
        Ok(self
            .into_response()
            .await?
            .bytes_stream()
            .map_err(Error::from_reqwest)
            .boxed())
    }

    fn unexpected(&self, status: StatusCode) -> Error {
        Error::UnexpectedResponse {
            status,
            operation_id: Some(self.operation_id),
        }
    }
}

impl fmt::Debug for Download {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let redirect = self.redirect.as_ref().map(|url| {
            let query = if url.query().is_some() { "?…" } else { "" };
            format!(
                "{}{}{query}",
                url.origin().ascii_serialization(),
                url.path()
            )
        });
        f.debug_struct("Download")
            .field("operation_id", &self.operation_id)
            .field("redirect", &redirect)
            .field("status", &self.response.as_ref().map(Response::status))
            .field("content_type", &self.content_type())
            .field("content_length", &self.content_length())
            .finish()
    }
}

/// The file name of a `Content-Disposition` value: `filename*` (RFC 6266 / RFC 8187, UTF-8 or
/// ISO-8859-1, percent-encoded) if present and decodable, else `filename` (quoted or a token).
fn content_disposition_file_name(value: &str) -> Option<String> {
    let mut plain = None;
    let mut extended = None;
    for param in split_params(value).into_iter().skip(1) {
        let Some((name, raw)) = param.split_once('=') else {
            continue;
        };
        let name = name.trim().to_ascii_lowercase();
        let raw = raw.trim();
        if name == "filename*" {
            extended = extended.or_else(|| decode_ext_value(raw));
        } else if name == "filename" {
            plain = Some(unquote(raw));
        }
    }
    extended.or(plain).filter(|name| !name.is_empty())
}

/// Splits at `;` outside quoted strings.
fn split_params(value: &str) -> Vec<&str> {
    let mut params = Vec::new();
    let (mut start, mut quoted, mut escaped) = (0, false, false);
    for (i, c) in value.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' if quoted => escaped = true,
            '"' => quoted = !quoted,
            ';' if !quoted => {
                params.push(&value[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    params.push(&value[start..]);
    params
}

fn unquote(raw: &str) -> String {
    let Some(inner) = raw.strip_prefix('"').and_then(|r| r.strip_suffix('"')) else {
        return raw.to_owned();
    };
    let mut out = String::with_capacity(inner.len());
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.extend(chars.next()),
            c => out.push(c),
        }
    }
    out
}

/// `charset'language'percent-encoded` (RFC 8187).
fn decode_ext_value(raw: &str) -> Option<String> {
    let mut parts = raw.splitn(3, '\'');
    let charset = parts.next()?.to_ascii_lowercase();
    let _language = parts.next()?;
    let encoded = parts.next()?;
    let mut bytes = Vec::with_capacity(encoded.len());
    let mut iter = encoded.bytes();
    while let Some(b) = iter.next() {
        if b == b'%' {
            let hex = [iter.next()?, iter.next()?];
            let hex = std::str::from_utf8(&hex).ok()?;
            bytes.push(u8::from_str_radix(hex, 16).ok()?);
        } else {
            bytes.push(b);
        }
    }
    match charset.as_str() {
        "utf-8" => String::from_utf8(bytes).ok(),
        "iso-8859-1" => Some(bytes.into_iter().map(char::from).collect()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn guesses_common_content_types_case_insensitively() {
        assert_eq!(guess_content_type("a.JPG"), "image/jpeg");
        assert_eq!(guess_content_type("scan.final.pdf"), "application/pdf");
        assert_eq!(
            guess_content_type("noextension"),
            "application/octet-stream"
        );
        assert_eq!(guess_content_type("archive.7z"), "application/octet-stream");
        let set = Upload::new("a.jpg", Bytes::new()).content_type("image/png");
        assert_eq!(set.effective_content_type(), "image/png");
    }

    #[test]
    fn reads_file_names_from_content_disposition() {
        let name = content_disposition_file_name;
        assert_eq!(
            name(r#"attachment; filename="report 1.pdf""#).as_deref(),
            Some("report 1.pdf")
        );
        assert_eq!(
            name("attachment; filename=plain.txt").as_deref(),
            Some("plain.txt")
        );
        assert_eq!(
            name(r#"attachment; filename="a;b \"c\".txt""#).as_deref(),
            Some(r#"a;b "c".txt"#)
        );
        assert_eq!(
            name(r#"attachment; filename="fallback.jpg"; filename*=UTF-8''%C3%A9t%C3%A9.jpg"#)
                .as_deref(),
            Some("été.jpg")
        );
        assert_eq!(
            name("attachment; filename*=iso-8859-1'en'%E9.txt").as_deref(),
            Some("é.txt")
        );
        // An undecodable extended value falls back to the plain one.
        assert_eq!(
            name(r#"attachment; filename*=UTF-8''%FF; filename="ok.txt""#).as_deref(),
            Some("ok.txt")
        );
        assert_eq!(name("inline"), None);
        assert_eq!(name(r#"attachment; filename="""#), None);
    }

    #[test]
    fn upload_debug_shows_the_shape_not_the_content() {
        let upload = Upload::new("a.png", vec![1, 2, 3]);
        assert_eq!(
            format!("{upload:?}"),
            r#"Upload { file_name: "a.png", content_type: "image/png", len: 3 }"#
        );
    }
}
