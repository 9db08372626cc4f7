//! The glue between progenitor's `ClientHooks` and [`Core`]: what [`crate::wire_client!`]
//! expands to calls these, so the per-crate expansion stays a few lines.

use reqwest::{Request, Response, Url};

use crate::core::Core;
use crate::transport::ResponseMeta;

/// The `pre` hook: headers, token, and the path rewrite for operations that live under another
/// prefix than the rest of their area. A token failure comes back as the text of progenitor's
/// `Error::Custom`, which [`crate::Error`]'s conversion turns back into [`crate::Error::Auth`].
///
/// `overrides` maps an operation id to `(marker, prefix)`: the request path
/// `<service_path>/tenant/<t><marker><rest>` is sent as `<prefix>/tenant/<t><rest>`.
pub async fn pre(
    core: &Core,
    request: &mut Request,
    operation_id: &'static str,
    service_path: &'static str,
    overrides: &'static [(&'static str, (&'static str, &'static str))],
) -> Result<(), String> {
    if let Some((_, (marker, prefix))) = overrides.iter().find(|(op, _)| *op == operation_id) {
        rewrite_prefix(core, request.url_mut(), service_path, marker, prefix);
    }
    core.authorize(request).await.map_err(|e| e.to_marked())
}

/// The `exec` hook: the transport policy.
pub async fn exec(
    core: &Core,
    request: Request,
    operation_id: &'static str,
) -> reqwest::Result<Response> {
    core.execute(request, operation_id).await
}

/// The `post` hook: surfaces a 401 that could not be retried for want of a token as the
/// authentication error it is.
pub fn post(result: &reqwest::Result<Response>) -> Result<(), String> {
    match result
        .as_ref()
        .ok()
        .and_then(|r| r.extensions().get::<ResponseMeta>())
        .and_then(|m| m.auth_failure.as_ref())
    {
        Some(auth) => Err(auth.to_marked()),
        None => Ok(()),
    }
}

/// Replaces `<from>/tenant/<tenant><marker>` at the start of `url`'s path with
/// `<to>/tenant/<tenant>`; leaves other paths alone.
fn rewrite_prefix(core: &Core, url: &mut Url, from: &str, marker: &str, to: &str) {
    let path_of = |service: &str| {
        Url::parse(&core.api_base_url(service))
            .map(|u| u.path().to_owned())
            .unwrap_or_default()
    };
    let old = format!("{}{marker}", path_of(from));
    let rest = match url.path().strip_prefix(old.as_str()) {
        Some(rest) if rest.is_empty() || rest.starts_with('/') => rest.to_owned(),
        _ => return,
    };
    url.set_path(&format!("{}{rest}", path_of(to)));
}

/// Implements progenitor's `ClientHooks<st_core::Core>` for a generated `Client` and adds
/// `from_core`, `from_env` and `core` to it.
///
/// Use once per generated crate, where `Client` is in scope, with the area's service path (the
/// part of the base URL between the host and `/tenant/{tenant}`):
///
/// ```ignore
/// st_core::wire_client!(Client, "/crm/v2");
/// // An operation whose paths sit under another prefix than the rest of the area:
/// st_core::wire_client!(Client, "/telecom/v2", overrides { "calls_get_v3" => "/telecom/v3" });
/// // The same, when the generator kept the other prefix as a marker segment in the operation's
/// // path (`{baseurl}/v3/calls`): the marker is removed as the prefix is swapped.
/// st_core::wire_client!(Client, "/telecom/v2", overrides { "calls_calls" => "/v3" => "/telecom/v3" });
/// ```
///
/// Operation ids are those progenitor puts in `OperationInfo` (snake case).
///
/// The expansion names only `$crate::…` paths, so the generated crate needs nothing else in
/// scope.
#[macro_export]
macro_rules! wire_client {
    ($client:ident, $service_path:literal $(,)?) => {
        $crate::wire_client!($client, $service_path, overrides {});
    };
    (
        $client:ident,
        $service_path:literal,
        overrides { $($operation:literal => $first:literal $(=> $second:literal)?),* $(,)? } $(,)?
    ) => {
        impl $crate::__private::progenitor_client::ClientHooks<$crate::Core> for $client {
            async fn pre<E>(
                &self,
                request: &mut $crate::__private::reqwest::Request,
                info: &$crate::__private::progenitor_client::OperationInfo,
            ) -> ::core::result::Result<(), $crate::__private::progenitor_client::Error<E>> {
                $crate::__private::hooks::pre(
                    &self.inner,
                    request,
                    info.operation_id,
                    $service_path,
                    &[$(($operation, $crate::__wire_override!($first $(=> $second)?))),*],
                )
                .await
                .map_err($crate::__private::progenitor_client::Error::Custom)
            }

            async fn exec(
                &self,
                request: $crate::__private::reqwest::Request,
                info: &$crate::__private::progenitor_client::OperationInfo,
            ) -> $crate::__private::reqwest::Result<$crate::__private::reqwest::Response> {
                $crate::__private::hooks::exec(&self.inner, request, info.operation_id).await
            }

            async fn post<E>(
                &self,
                result: &$crate::__private::reqwest::Result<$crate::__private::reqwest::Response>,
                _info: &$crate::__private::progenitor_client::OperationInfo,
            ) -> ::core::result::Result<(), $crate::__private::progenitor_client::Error<E>> {
                $crate::__private::hooks::post(result)
                    .map_err($crate::__private::progenitor_client::Error::Custom)
            }
        }

        impl $client {
            /// A client for this area that shares `core`'s HTTP pool, tenant, tokens and
            /// policies.
            pub fn from_core(core: &$crate::Core) -> Self {
                Self::new_with_client(
                    &core.api_base_url($service_path),
                    ::core::clone::Clone::clone(core.http()),
                    ::core::clone::Clone::clone(core),
                )
            }

            /// A client configured from the `ST_*` environment variables (see
            /// `st_core::Core::from_env`).
            pub fn from_env() -> ::core::result::Result<Self, $crate::Error> {
                ::core::result::Result::Ok(Self::from_core(&$crate::Core::from_env()?))
            }

            /// The runtime this client uses.
            pub fn core(&self) -> &$crate::Core {
                &self.inner
            }
        }
    };
}

/// `"prefix"` or `"marker" => "prefix"` as `(marker, prefix)`.
#[doc(hidden)]
#[macro_export]
macro_rules! __wire_override {
    ($prefix:literal) => {
        ("", $prefix)
    };
    ($marker:literal => $prefix:literal) => {
        ($marker, $prefix)
    };
}
