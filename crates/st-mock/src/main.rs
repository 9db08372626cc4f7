//! `st-mock`: run the ServiceTitan simulator from the command line.

use std::io::Write;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::time::Duration;

use clap::Parser;
use st_mock::{Drift, FaultRule, MockConfig, MockServer, SeedSizes};

/// A ServiceTitan API simulator on loopback: OAuth token endpoint, seeded settings,
/// CRM, JPM, accounting and reporting data, and fault injection.
///
/// On start it prints its URLs and credentials as a line of `export` statements.
#[derive(Debug, Parser)]
#[command(name = "st-mock", version, after_long_help = FAULT_HELP)]
struct Args {
    /// Address to listen on. Keep it on loopback.
    #[arg(long, default_value_t = IpAddr::V4(Ipv4Addr::LOCALHOST))]
    host: IpAddr,
    /// Port to listen on; 0 picks a free one.
    #[arg(long, default_value_t = 0)]
    port: u16,
    /// Tenant id the credentials are connected to.
    #[arg(long)]
    tenant: Option<i64>,
    /// OAuth client id to accept.
    #[arg(long)]
    client_id: Option<String>,
    /// OAuth client secret to accept.
    #[arg(long)]
    client_secret: Option<String>,
    /// ST-App-Key value to accept.
    #[arg(long)]
    app_key: Option<String>,
    /// Access token lifetime in seconds (`expires_in`).
    #[arg(long, default_value_t = 900)]
    token_lifetime: u64,
    /// Seed of the generated data.
    #[arg(long)]
    seed: Option<u64>,
    /// Seeded employees.
    #[arg(long)]
    employees: Option<usize>,
    /// Seeded technicians.
    #[arg(long)]
    technicians: Option<usize>,
    /// Seeded customers.
    #[arg(long)]
    customers: Option<usize>,
    /// Seeded locations.
    #[arg(long)]
    locations: Option<usize>,
    /// Seeded jobs.
    #[arg(long)]
    jobs: Option<usize>,
    /// Seeded invoices.
    #[arg(long)]
    invoices: Option<usize>,
    /// Serve this many synthetic rows from the customers export feed, generated on
    /// demand (for streaming benchmarks).
    #[arg(long)]
    export_rows: Option<u64>,
    /// Rows per export page.
    #[arg(long, default_value_t = 500)]
    export_page_size: usize,
    /// Rows of each simulated report.
    #[arg(long, default_value_t = 1500)]
    report_rows: u64,
    /// Status polls of an async report query that answer 202 before the data.
    #[arg(long, default_value_t = 2)]
    report_polls: u32,
    /// Accept at most this many API requests per rolling second; more get 429 with Retry-After.
    #[arg(long, value_name = "PER_SECOND")]
    rate_limit: Option<u32>,
    /// Fault rule; repeatable. See FAULTS below.
    #[arg(long = "fault", value_name = "SPEC")]
    faults: Vec<FaultRule>,
    /// Delay added before every response, in milliseconds.
    #[arg(long, default_value_t = 0)]
    latency_ms: u64,
    /// Drift on every successful API response: comma-separated kinds, or `all`.
    /// Kinds: unknown-fields, unknown-enums, integer-enums, naive-timestamps, string-money.
    #[arg(long, default_value = "none")]
    drift: Drift,
}

const FAULT_HELP: &str = "\
FAULTS (--fault SPEC, repeatable):
  SPEC is KIND[:TIMES][,OPTION...]. Without TIMES a rule fires once; `*` fires on
  every matching request. Rules match API requests, not the token endpoint, unless
  path= says otherwise. The first rule that fires decides a request's fault.

  KIND
    500 | 502 | 503 | 504 | any 4xx/5xx   answer with that status (502/504 with an
                                         HTML gateway body, others problem+json)
    429                                  Too Many Requests with Retry-After (default 1 s)
    503,retry-after=...                  Service Unavailable with Retry-After
    reset                                close the connection with a TCP reset, no response
    malformed                            the real response with its body cut in half
    expire                               expire all tokens issued so far (this request: 401)
    revoke                               revoke all tokens issued so far (this request: 401)
    latency=MS                           answer normally after MS milliseconds
    drift | drift=KIND+KIND              answer normally with drift (all kinds, or the named)

  OPTIONS
    every=K                  fire on every Kth matching request (no TIMES: indefinitely)
    skip=N                   let the first N matching requests through
    path=GLOB                only paths matching GLOB; `*` matches anything, `/` included
    method=M                 only this HTTP method
    retry-after=SECS         Retry-After in seconds (429, 503)
    retry-after=date+SECS    Retry-After as an HTTP-date SECS from now
    retry-after=none         no Retry-After header

  EXAMPLES
    --fault 503:2                          the next two API requests get 503
    --fault 429:3,retry-after=date+2       three 429s with an HTTP-date Retry-After
    --fault reset,every=10                 every 10th API request is reset
    --fault 500:*,path=/jpm/*,method=POST  every JPM POST fails
    --fault 503,path=/connect/token        the next token request fails
    --fault expire,skip=100                tokens expire after 100 API requests
";

#[tokio::main]
async fn main() {
    let args = Args::parse();
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "warn".into()),
        )
        .with_writer(std::io::stderr)
        .init();

    let mut config = MockConfig::default();
    config.bind = SocketAddr::new(args.host, args.port);
    if let Some(t) = args.tenant {
        config.tenant = t;
    }
    if let Some(v) = args.client_id {
        config.client_id = v;
    }
    if let Some(v) = args.client_secret {
        config.client_secret = v;
    }
    if let Some(v) = args.app_key {
        config.app_key = v;
    }
    if let Some(v) = args.seed {
        config.seed = v;
    }
    config.token_lifetime = Duration::from_secs(args.token_lifetime);
    let d = SeedSizes::default();
    let mut sizes = SeedSizes::default();
    sizes.employees = args.employees.unwrap_or(d.employees);
    sizes.technicians = args.technicians.unwrap_or(d.technicians);
    sizes.customers = args.customers.unwrap_or(d.customers);
    sizes.locations = args.locations.unwrap_or(d.locations);
    sizes.jobs = args.jobs.unwrap_or(d.jobs);
    sizes.invoices = args.invoices.unwrap_or(d.invoices);
    config.sizes = sizes;
    config.export_rows = args.export_rows;
    config.export_page_size = args.export_page_size.max(1);
    config.report_rows = args.report_rows;
    config.report_polls = args.report_polls;
    config.latency = Duration::from_millis(args.latency_ms);
    config.drift = args.drift;
    config.faults = args.faults;
    config.rate_limit = args.rate_limit;

    let mock = match MockServer::start_with(config).await {
        Ok(m) => m,
        Err(e) => {
            eprintln!("st-mock: cannot listen on {}:{}: {e}", args.host, args.port);
            std::process::exit(1);
        }
    };
    let c = mock.credentials();
    let url = mock.url();
    let mut out = std::io::stdout().lock();
    // The first line is meant to be pasted (or eval'd) as is; simulator credentials.
    let _ = writeln!(
        out,
        "export ST_AUTH_URL={url} ST_API_URL={url} ST_CLIENT_ID={} ST_CLIENT_SECRET={} ST_APP_KEY={} ST_TENANT_ID={}",
        c.client_id, c.client_secret, c.app_key, c.tenant
    );
    let _ = writeln!(out, "# st-mock listening on {url}");
    let _ = writeln!(out, "#   token endpoint: {}", mock.token_url());
    let _ = writeln!(
        out,
        "#   API:            {url}/<module>/v2/tenant/{}/...  (e.g. {}/customers)",
        c.tenant,
        mock.api_url("crm")
    );
    if let Some(rows) = mock.config().export_rows {
        let _ = writeln!(
            out,
            "#   synthetic export: {rows} rows at {}/export/customers",
            mock.api_url("crm")
        );
    }
    for rule in &mock.config().faults {
        let _ = writeln!(out, "#   fault: {rule}");
    }
    if !mock.config().drift.is_empty() {
        let _ = writeln!(out, "#   drift: {}", mock.config().drift);
    }
    if let Some(limit) = mock.config().rate_limit {
        let _ = writeln!(out, "#   rate limit: {limit} API requests per second");
    }
    if !mock.config().latency.is_zero() {
        let _ = writeln!(out, "#   latency: {} ms", mock.config().latency.as_millis());
    }
    let _ = writeln!(out, "# Ctrl-C to stop");
    let _ = out.flush();
    drop(out);

    let _ = tokio::signal::ctrl_c().await;
}
