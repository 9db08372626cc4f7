//! State shared by every connection of one simulator instance.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::sync::atomic::AtomicU64;
use std::time::{Duration, Instant};

use crate::api::reporting::ReportQuery;
use crate::config::MockConfig;
use crate::data::Store;
use crate::drift::Drift;
use crate::fault::FaultPlan;
use crate::record::RequestLog;

pub(crate) struct Shared {
    pub config: MockConfig,
    pub store: Mutex<Store>,
    pub tokens: Mutex<Tokens>,
    pub log: Mutex<RequestLog>,
    pub faults: Mutex<FaultPlan>,
    pub live: Mutex<Live>,
    pub reports: Mutex<HashMap<String, ReportQuery>>,
    pub token_requests: AtomicU64,
    pub tokens_issued: AtomicU64,
    pub api_requests: AtomicU64,
    pub report_cancels: AtomicU64,
    pub rate_limited: AtomicU64,
    pub window: Mutex<VecDeque<Instant>>,
}

/// Settings a test may change while the server runs.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Live {
    pub drift: Drift,
    pub latency: Duration,
}

impl Shared {
    pub(crate) fn new(config: MockConfig) -> Self {
        let mut plan = FaultPlan::default();
        for rule in &config.faults {
            plan.add(rule.clone());
        }
        Shared {
            store: Mutex::new(Store::seed(&config)),
            tokens: Mutex::new(Tokens::default()),
            log: Mutex::new(RequestLog::new(config.max_recorded_requests)),
            faults: Mutex::new(plan),
            live: Mutex::new(Live {
                drift: config.drift,
                latency: config.latency,
            }),
            reports: Mutex::new(HashMap::new()),
            token_requests: AtomicU64::new(0),
            tokens_issued: AtomicU64::new(0),
            api_requests: AtomicU64::new(0),
            report_cancels: AtomicU64::new(0),
            rate_limited: AtomicU64::new(0),
            window: Mutex::new(VecDeque::new()),
            config,
        }
    }
}

impl Shared {
    /// Admits an API request under `rate_limit`, or says how long until one is admitted.
    pub(crate) fn admit(&self) -> Result<(), Duration> {
        let Some(limit) = self.config.rate_limit else {
            return Ok(());
        };
        let now = Instant::now();
        let mut window = crate::fault::lock(&self.window);
        while window
            .front()
            .is_some_and(|t| now.duration_since(*t) >= Duration::from_secs(1))
        {
            window.pop_front();
        }
        if window.len() < limit as usize {
            window.push_back(now);
            return Ok(());
        }
        let oldest = window.front().copied().unwrap_or(now);
        Err(Duration::from_secs(1).saturating_sub(now.duration_since(oldest)))
    }
}

/// An issued access token.
#[derive(Debug, Clone)]
pub(crate) struct TokenInfo {
    pub client_id: String,
    pub tenant: i64,
    pub expires_at: Instant,
    pub revoked: bool,
}

/// Why a presented token was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TokenFailure {
    Unknown,
    Expired,
    Revoked,
}

#[derive(Debug, Default)]
pub(crate) struct Tokens {
    map: HashMap<String, TokenInfo>,
}

impl Tokens {
    /// Issues an opaque random token. Expired tokens are kept (so that presenting one
    /// answers "expired", not "unknown") until the table grows large.
    pub(crate) fn issue(&mut self, client_id: &str, tenant: i64, lifetime: Duration) -> String {
        if self.map.len() > 10_000 {
            let now = Instant::now();
            self.map.retain(|_, t| t.expires_at > now && !t.revoked);
        }
        let (a, b): (u128, u128) = (rand::random(), rand::random());
        let token = format!("{a:032x}{b:032x}");
        self.map.insert(
            token.clone(),
            TokenInfo {
                client_id: client_id.to_string(),
                tenant,
                expires_at: Instant::now() + lifetime,
                revoked: false,
            },
        );
        token
    }

    pub(crate) fn check(&self, token: &str) -> Result<&TokenInfo, TokenFailure> {
        let info = self.map.get(token).ok_or(TokenFailure::Unknown)?;
        if info.revoked {
            Err(TokenFailure::Revoked)
        } else if Instant::now() >= info.expires_at {
            Err(TokenFailure::Expired)
        } else {
            Ok(info)
        }
    }

    pub(crate) fn expire_all(&mut self) {
        let now = Instant::now();
        for t in self.map.values_mut() {
            t.expires_at = t.expires_at.min(now);
        }
    }

    pub(crate) fn revoke_all(&mut self) {
        for t in self.map.values_mut() {
            t.revoked = true;
        }
    }
}
