//! Fault injection: what can go wrong, and rules that say which requests it hits.

use std::fmt;
use std::str::FromStr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use crate::drift::Drift;
use crate::state::Shared;

/// Something that goes wrong with one request.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Fault {
    /// Answer with this status instead of handling the request. 502 and 504 carry
    /// an HTML body, as a gateway in front of the API sends; other statuses an RFC
    /// 7807 `application/problem+json` body.
    Status(u16),
    /// 429 Too Many Requests with a `Retry-After` header.
    RateLimited(RetryAfter),
    /// 503 Service Unavailable with a `Retry-After` header.
    Unavailable(RetryAfter),
    /// Handle the request normally after this delay.
    Latency(Duration),
    /// Close the TCP connection with a reset (`SO_LINGER` 0), without sending a response.
    Reset,
    /// The real response with its body cut in half and `content-type:
    /// application/json` (the status is kept). The request is handled first, so a
    /// create really happens.
    MalformedJson,
    /// Handle the request normally, then apply this drift to the response.
    Drift(Drift),
    /// Every token issued so far expires now; this request therefore gets 401.
    ExpireToken,
    /// Every token issued so far is revoked now; this request therefore gets 401.
    RevokeToken,
}

/// The `Retry-After` header of a 429 or 503.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RetryAfter {
    /// `Retry-After: <seconds>`.
    Seconds(u64),
    /// `Retry-After: <HTTP-date>` this far in the future (rounded up to a whole second,
    /// the resolution of an HTTP-date).
    HttpDate(Duration),
    /// No header: the client must choose its own delay.
    Omitted,
}

impl RetryAfter {
    pub(crate) fn header_value(self) -> Option<String> {
        match self {
            RetryAfter::Seconds(s) => Some(s.to_string()),
            RetryAfter::HttpDate(d) => {
                let at = SystemTime::now() + d;
                let sub = at
                    .duration_since(SystemTime::UNIX_EPOCH)
                    .map(|d| d.subsec_nanos())
                    .unwrap_or(0);
                let at = if sub > 0 {
                    at + Duration::from_nanos(1_000_000_000 - u64::from(sub))
                } else {
                    at
                };
                Some(httpdate::fmt_http_date(at))
            }
            RetryAfter::Omitted => None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Limit {
    /// Not said: once, or unlimited when `every` is set.
    Default,
    Times(u64),
    Unlimited,
}

/// A fault plus which requests it hits: "the next N requests to paths matching X",
/// "every Kth request", after skipping some.
///
/// Without [`path`](FaultRule::path), a rule matches every API request but not the
/// token endpoint (so `Fault::Status(503)` hits the call under test, not the token
/// fetch before it); `.path("/connect/token")` targets the token endpoint.
///
/// Without [`times`](FaultRule::times) a rule fires once; with [`every`](FaultRule::every)
/// and no `times` it fires indefinitely.
///
/// Parses from the command line's syntax, `KIND[:TIMES][,OPTION…]`:
///
/// | part | meaning |
/// |---|---|
/// | `500`, `502`, `503`, `504`, any 4xx/5xx | that status (see [`Fault::Status`]) |
/// | `429` | [`Fault::RateLimited`], `Retry-After: 1` unless `retry-after=` says otherwise |
/// | `503,retry-after=…` | [`Fault::Unavailable`] |
/// | `reset` / `malformed` | [`Fault::Reset`] / [`Fault::MalformedJson`] |
/// | `expire` / `revoke` | [`Fault::ExpireToken`] / [`Fault::RevokeToken`] |
/// | `latency=MS` | [`Fault::Latency`] |
/// | `drift` or `drift=KIND+KIND` | [`Fault::Drift`] (all kinds, or the named ones) |
/// | `:TIMES` | fire this many times; `*` = every matching request |
/// | `every=K` | fire on every Kth matching request |
/// | `skip=N` | let the first N matching requests through |
/// | `path=GLOB` | only paths matching GLOB (`*` matches anything, including `/`) |
/// | `method=M` | only this HTTP method |
/// | `retry-after=SECS` or `retry-after=date+SECS` | `Retry-After` as seconds or an HTTP-date |
///
/// e.g. `503:2`, `429:3,retry-after=date+2`, `reset,every=10`, `500:*,path=/jpm/*,method=GET`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FaultRule {
    fault: Fault,
    path: Option<String>,
    method: Option<String>,
    limit: Limit,
    every: u64,
    skip: u64,
}

impl From<Fault> for FaultRule {
    fn from(fault: Fault) -> Self {
        FaultRule::new(fault)
    }
}

impl FaultRule {
    /// A rule that fires `fault` on the next API request.
    pub fn new(fault: Fault) -> Self {
        FaultRule {
            fault,
            path: None,
            method: None,
            limit: Limit::Default,
            every: 1,
            skip: 0,
        }
    }

    /// Fire at most `n` times.
    pub fn times(mut self, n: u64) -> Self {
        self.limit = Limit::Times(n);
        self
    }

    /// Fire on every matching request (subject to `every` and `skip`).
    pub fn always(mut self) -> Self {
        self.limit = Limit::Unlimited;
        self
    }

    /// Fire on the Kth, 2Kth, … matching request only.
    pub fn every(mut self, k: u64) -> Self {
        self.every = k.max(1);
        self
    }

    /// Let the first `n` matching requests through untouched.
    pub fn skip(mut self, n: u64) -> Self {
        self.skip = n;
        self
    }

    /// Only requests whose path matches `glob` (`*` matches any run of characters,
    /// `/` included; the query string is not part of the path).
    pub fn path(mut self, glob: impl Into<String>) -> Self {
        self.path = Some(glob.into());
        self
    }

    /// Only requests with this method (case-insensitive).
    pub fn method(mut self, method: impl AsRef<str>) -> Self {
        self.method = Some(method.as_ref().to_ascii_uppercase());
        self
    }

    /// The fault this rule injects.
    pub fn fault(&self) -> &Fault {
        &self.fault
    }

    fn matches(&self, method: &str, path: &str, token_endpoint: bool) -> bool {
        let path_ok = match &self.path {
            Some(glob) => glob_match(glob.as_bytes(), path.as_bytes()),
            None => !token_endpoint,
        };
        path_ok
            && self
                .method
                .as_deref()
                .is_none_or(|m| m.eq_ignore_ascii_case(method))
    }

    fn max_fires(&self) -> Option<u64> {
        match self.limit {
            Limit::Times(n) => Some(n),
            Limit::Unlimited => None,
            Limit::Default if self.every > 1 => None,
            Limit::Default => Some(1),
        }
    }
}

impl fmt::Display for FaultRule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.fault {
            Fault::Status(s) => write!(f, "{s}")?,
            Fault::RateLimited(r) => write!(f, "429 (Retry-After {r:?})")?,
            Fault::Unavailable(r) => write!(f, "503 (Retry-After {r:?})")?,
            Fault::Latency(d) => write!(f, "latency {} ms", d.as_millis())?,
            Fault::Reset => f.write_str("connection reset")?,
            Fault::MalformedJson => f.write_str("malformed JSON")?,
            Fault::Drift(d) => write!(f, "drift {d}")?,
            Fault::ExpireToken => f.write_str("expire tokens")?,
            Fault::RevokeToken => f.write_str("revoke tokens")?,
        }
        match self.max_fires() {
            Some(n) => write!(f, " x{n}")?,
            None => f.write_str(" always")?,
        }
        if self.every > 1 {
            write!(f, ", every {}th", self.every)?;
        }
        if self.skip > 0 {
            write!(f, ", after {}", self.skip)?;
        }
        if let Some(m) = &self.method {
            write!(f, ", {m} only")?;
        }
        match &self.path {
            Some(p) => write!(f, ", paths {p}"),
            None => f.write_str(", API paths"),
        }
    }
}

fn parse_retry_after(v: &str) -> Result<RetryAfter, String> {
    let bad = || format!("bad retry-after `{v}` (want SECS or date+SECS)");
    if v == "none" {
        return Ok(RetryAfter::Omitted);
    }
    match v.strip_prefix("date+") {
        Some(secs) => secs
            .parse()
            .map(|s| RetryAfter::HttpDate(Duration::from_secs(s)))
            .map_err(|_| bad()),
        None => v.parse().map(RetryAfter::Seconds).map_err(|_| bad()),
    }
}

impl FromStr for FaultRule {
    type Err = String;

    fn from_str(spec: &str) -> Result<Self, Self::Err> {
        let mut parts = spec.split(',').map(str::trim);
        let head = parts.next().unwrap_or_default();
        let (kind, times) = match head.rsplit_once(':') {
            Some((k, t)) => (k, Some(t)),
            None => (head, None),
        };
        let mut retry_after = None;
        let mut rule_opts: Vec<(&str, &str)> = Vec::new();
        for opt in parts.filter(|p| !p.is_empty()) {
            let (k, v) = opt
                .split_once('=')
                .ok_or_else(|| format!("bad fault option `{opt}` (want KEY=VALUE)"))?;
            if k == "retry-after" {
                retry_after = Some(parse_retry_after(v)?);
            } else {
                rule_opts.push((k, v));
            }
        }
        let (name, arg) = match kind.split_once('=') {
            Some((n, a)) => (n, Some(a)),
            None => (kind, None),
        };
        let fault = match (name, arg) {
            ("reset", None) => Fault::Reset,
            ("malformed", None) => Fault::MalformedJson,
            ("expire", None) => Fault::ExpireToken,
            ("revoke", None) => Fault::RevokeToken,
            ("drift", None) => Fault::Drift(Drift::all()),
            ("drift", Some(kinds)) => Fault::Drift(kinds.parse()?),
            ("latency", Some(ms)) => Fault::Latency(Duration::from_millis(
                ms.parse()
                    .map_err(|_| format!("bad latency `{ms}` (want milliseconds)"))?,
            )),
            ("429", None) => {
                Fault::RateLimited(retry_after.take().unwrap_or(RetryAfter::Seconds(1)))
            }
            ("503", None) if retry_after.is_some() => {
                Fault::Unavailable(retry_after.take().unwrap_or(RetryAfter::Omitted))
            }
            (n, None) if n.parse::<u16>().is_ok_and(|s| (400..=599).contains(&s)) => {
                Fault::Status(n.parse().unwrap_or(500))
            }
            _ => {
                return Err(format!(
                    "unknown fault `{kind}` (want a 4xx/5xx status, reset, malformed, expire, revoke, latency=MS or drift[=KINDS])"
                ));
            }
        };
        if retry_after.is_some() {
            return Err(format!(
                "retry-after only applies to 429 and 503, not `{kind}`"
            ));
        }
        let mut rule = FaultRule::new(fault);
        match times {
            None => {}
            Some("*") => rule = rule.always(),
            Some(n) => {
                rule = rule.times(
                    n.parse()
                        .map_err(|_| format!("bad count `{n}` (want a number or *)"))?,
                )
            }
        }
        for (k, v) in rule_opts {
            let num = |v: &str| {
                v.parse::<u64>()
                    .map_err(|_| format!("bad {k} `{v}` (want a number)"))
            };
            rule = match k {
                "every" => rule.every(num(v)?),
                "skip" => rule.skip(num(v)?),
                "path" => rule.path(v),
                "method" => rule.method(v),
                _ => {
                    return Err(format!(
                        "unknown fault option `{k}` (want every, skip, path, method, retry-after)"
                    ));
                }
            };
        }
        Ok(rule)
    }
}

/// `*` matches any run of bytes; everything else matches itself.
fn glob_match(pattern: &[u8], text: &[u8]) -> bool {
    let (mut p, mut t) = (0, 0);
    let mut backtrack: Option<(usize, usize)> = None;
    while t < text.len() {
        if p < pattern.len() && pattern[p] == b'*' {
            backtrack = Some((p, t));
            p += 1;
        } else if p < pattern.len() && pattern[p] == text[t] {
            p += 1;
            t += 1;
        } else if let Some((bp, bt)) = backtrack {
            p = bp + 1;
            t = bt + 1;
            backtrack = Some((bp, bt + 1));
        } else {
            return false;
        }
    }
    pattern[p..].iter().all(|c| *c == b'*')
}

#[derive(Debug)]
struct Entry {
    id: u64,
    rule: FaultRule,
    matched: u64,
    fired: u64,
}

/// The active rules, in the order they were added.
#[derive(Debug, Default)]
pub(crate) struct FaultPlan {
    entries: Vec<Entry>,
    next_id: u64,
}

impl FaultPlan {
    pub(crate) fn add(&mut self, rule: FaultRule) -> u64 {
        self.next_id += 1;
        self.entries.push(Entry {
            id: self.next_id,
            rule,
            matched: 0,
            fired: 0,
        });
        self.next_id
    }

    pub(crate) fn clear(&mut self) {
        self.entries.clear();
    }

    /// Counts the request against every matching rule and returns the fault of the
    /// first rule that fires (one fault per request).
    pub(crate) fn decide(
        &mut self,
        method: &str,
        path: &str,
        token_endpoint: bool,
    ) -> Option<Fault> {
        let mut chosen = None;
        for e in &mut self.entries {
            if !e.rule.matches(method, path, token_endpoint) {
                continue;
            }
            e.matched += 1;
            if chosen.is_some() || e.matched <= e.rule.skip {
                continue;
            }
            let nth = e.matched - e.rule.skip;
            let exhausted = e.rule.max_fires().is_some_and(|max| e.fired >= max);
            if nth % e.rule.every == 0 && !exhausted {
                e.fired += 1;
                chosen = Some(e.rule.fault.clone());
            }
        }
        chosen
    }

    fn with_rule(&mut self, id: u64, f: impl FnOnce(&mut Entry)) {
        if let Some(e) = self.entries.iter_mut().find(|e| e.id == id) {
            f(e);
        }
    }
}

/// A fault rule registered with [`MockServer::inject`](crate::MockServer::inject).
///
/// The rule is live as soon as `inject` returns (firing once on the next API request);
/// the builder methods change it in place:
/// `mock.inject(Fault::Status(503)).times(2).path("/crm/*")`.
#[derive(Clone)]
pub struct FaultHandle {
    shared: Arc<Shared>,
    id: u64,
}

impl fmt::Debug for FaultHandle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FaultHandle")
            .field("id", &self.id)
            .field("hits", &self.hits())
            .finish()
    }
}

impl FaultHandle {
    pub(crate) fn new(shared: Arc<Shared>, id: u64) -> Self {
        FaultHandle { shared, id }
    }

    fn plan(&self) -> std::sync::MutexGuard<'_, FaultPlan> {
        lock(&self.shared.faults)
    }

    fn edit(self, f: impl FnOnce(FaultRule) -> FaultRule) -> Self {
        self.plan()
            .with_rule(self.id, |e| e.rule = f(e.rule.clone()));
        self
    }

    /// See [`FaultRule::times`].
    pub fn times(self, n: u64) -> Self {
        self.edit(|r| r.times(n))
    }

    /// See [`FaultRule::always`].
    pub fn always(self) -> Self {
        self.edit(FaultRule::always)
    }

    /// See [`FaultRule::every`].
    pub fn every(self, k: u64) -> Self {
        self.edit(|r| r.every(k))
    }

    /// See [`FaultRule::skip`].
    pub fn skip(self, n: u64) -> Self {
        self.edit(|r| r.skip(n))
    }

    /// See [`FaultRule::path`].
    pub fn path(self, glob: impl Into<String>) -> Self {
        let glob = glob.into();
        self.edit(|r| r.path(glob))
    }

    /// See [`FaultRule::method`].
    pub fn method(self, method: impl AsRef<str>) -> Self {
        let method = method.as_ref().to_string();
        self.edit(|r| r.method(method))
    }

    /// How many requests this rule has hit so far.
    pub fn hits(&self) -> u64 {
        let mut hits = 0;
        self.plan().with_rule(self.id, |e| hits = e.fired);
        hits
    }

    /// Removes the rule.
    pub fn remove(self) {
        self.plan().entries.retain(|e| e.id != self.id);
    }
}

/// Locks a mutex, ignoring poisoning: a panicking test must not cascade into the server.
pub(crate) fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs() {
        assert!(glob_match(b"/crm/*", b"/crm/v2/tenant/1/customers"));
        assert!(glob_match(b"*/customers*", b"/crm/v2/tenant/1/customers/5"));
        assert!(!glob_match(b"/jpm/*", b"/crm/v2/tenant/1/customers"));
        assert!(glob_match(b"/connect/token", b"/connect/token"));
        assert!(!glob_match(b"/connect/token", b"/connect/token2"));
        assert!(glob_match(b"*a*b", b"xxaxxab"));
    }

    #[test]
    fn parses_specs() {
        let r: FaultRule = "503:2".parse().unwrap();
        assert_eq!(r, FaultRule::new(Fault::Status(503)).times(2));
        let r: FaultRule = "429:3,retry-after=date+2,path=/crm/*".parse().unwrap();
        assert_eq!(
            r,
            FaultRule::new(Fault::RateLimited(RetryAfter::HttpDate(
                Duration::from_secs(2)
            )))
            .times(3)
            .path("/crm/*")
        );
        let r: FaultRule = "reset,every=10".parse().unwrap();
        assert_eq!(r.max_fires(), None);
        assert_eq!(
            "latency=250:*".parse::<FaultRule>().unwrap().fault,
            Fault::Latency(Duration::from_millis(250))
        );
        assert_eq!(
            "503,retry-after=4".parse::<FaultRule>().unwrap().fault,
            Fault::Unavailable(RetryAfter::Seconds(4))
        );
        assert!("teapot".parse::<FaultRule>().is_err());
        assert!("500,retry-after=3".parse::<FaultRule>().is_err());
        assert!("500,color=red".parse::<FaultRule>().is_err());
    }

    #[test]
    fn plan_counts_every_skip_and_times() {
        let mut plan = FaultPlan::default();
        plan.add(FaultRule::new(Fault::Status(500)).every(3).skip(1).times(2));
        let fired: Vec<bool> = (0..12)
            .map(|_| plan.decide("GET", "/x", false).is_some())
            .collect();
        // matching requests 2..: fires on the 3rd and 6th after the skipped one
        assert_eq!(
            fired
                .iter()
                .enumerate()
                .filter(|(_, f)| **f)
                .map(|(i, _)| i)
                .collect::<Vec<_>>(),
            vec![3, 6]
        );
        assert!(plan.decide("POST", "/connect/token", true).is_none());
    }
}
