//! The simulated tenant's data: seeded tables, change sequence numbers for the
//! export feeds, and the generators that make the rows.

mod generate;
pub(crate) mod rng;
pub(crate) mod synthetic;
pub(crate) mod time;
mod words;

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex, OnceLock};

use chrono::{DateTime, Utc};
use serde_json::Value;

use crate::config::MockConfig;

/// A seeded resource collection of the simulated tenant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Resource {
    /// `settings/v2/tenant/{tenant}/employees`
    Employees,
    /// `settings/v2/tenant/{tenant}/technicians`
    Technicians,
    /// `crm/v2/tenant/{tenant}/customers`
    Customers,
    /// `crm/v2/tenant/{tenant}/locations`
    Locations,
    /// `jpm/v2/tenant/{tenant}/jobs`
    Jobs,
    /// `accounting/v2/tenant/{tenant}/invoices`
    Invoices,
}

impl Resource {
    /// Every resource, in seeding order (a resource only refers to ones before it).
    pub const ALL: [Resource; 6] = [
        Resource::Employees,
        Resource::Technicians,
        Resource::Customers,
        Resource::Locations,
        Resource::Jobs,
        Resource::Invoices,
    ];

    /// The path segment, e.g. `customers`.
    pub fn name(self) -> &'static str {
        match self {
            Resource::Employees => "employees",
            Resource::Technicians => "technicians",
            Resource::Customers => "customers",
            Resource::Locations => "locations",
            Resource::Jobs => "jobs",
            Resource::Invoices => "invoices",
        }
    }

    /// The API module serving it (`settings`, `crm`, `jpm`, `accounting`).
    pub fn module(self) -> &'static str {
        match self {
            Resource::Employees | Resource::Technicians => "settings",
            Resource::Customers | Resource::Locations => "crm",
            Resource::Jobs => "jpm",
            Resource::Invoices => "accounting",
        }
    }

    /// The entity name used in error titles (`Customer`).
    pub(crate) fn entity(self) -> &'static str {
        match self {
            Resource::Employees => "Employee",
            Resource::Technicians => "Technician",
            Resource::Customers => "Customer",
            Resource::Locations => "Location",
            Resource::Jobs => "Job",
            Resource::Invoices => "Invoice",
        }
    }

    fn index(self) -> usize {
        self as usize
    }

    /// Seeded ids are spaced out (`base + index * stride`) like real ids, which are
    /// drawn from a sequence shared with other entities: clients must not assume
    /// that ids are dense or start at 1.
    fn id_base_and_stride(self) -> (i64, i64) {
        match self {
            Resource::Employees => (1_200_001, 3),
            Resource::Technicians => (1_400_002, 3),
            Resource::Customers => (20_000_011, 7),
            Resource::Locations => (30_000_017, 5),
            Resource::Jobs => (40_000_023, 11),
            Resource::Invoices => (50_000_029, 11),
        }
    }

    pub(crate) fn id_of(self, index: usize) -> i64 {
        let (base, stride) = self.id_base_and_stride();
        base + index as i64 * stride
    }
}

/// One row plus what the server needs to filter and order it without parsing JSON.
#[derive(Debug, Clone)]
pub(crate) struct Record {
    pub id: i64,
    /// Position in the table's change feed: the export order.
    pub seq: u64,
    pub active: bool,
    pub created: DateTime<Utc>,
    pub modified: DateTime<Utc>,
    /// The JSON served for this row, with the spec's field names. Shared with the
    /// seed cache until the row is first changed (copy on write).
    pub body: Arc<Value>,
}

impl Record {
    /// Keeps the JSON's `modifiedOn` in step with the metadata.
    fn set_modified(&mut self, t: DateTime<Utc>) {
        self.modified = t;
        if let Some(obj) = Arc::make_mut(&mut self.body).as_object_mut() {
            obj.insert("modifiedOn".into(), Value::String(time::st_timestamp(t)));
        }
    }
}

/// A table: rows by id, and the change feed by sequence number.
#[derive(Debug, Default)]
pub(crate) struct Table {
    rows: BTreeMap<i64, Record>,
    by_seq: BTreeMap<u64, i64>,
    next_seq: u64,
    next_id: i64,
    stride: i64,
    latest: Option<DateTime<Utc>>,
}

impl Table {
    fn from_rows(resource: Resource, mut rows: Vec<Record>) -> Self {
        // The feed starts in modification order, as ServiceTitan's does.
        rows.sort_by_key(|r| (r.modified, r.id));
        let (base, stride) = resource.id_base_and_stride();
        let mut t = Table {
            next_seq: 1,
            next_id: base,
            stride,
            ..Table::default()
        };
        for mut r in rows {
            r.seq = t.next_seq;
            t.next_seq += 1;
            t.next_id = t.next_id.max(r.id + stride);
            t.latest = t.latest.max(Some(r.modified));
            t.by_seq.insert(r.seq, r.id);
            t.rows.insert(r.id, r);
        }
        t
    }

    pub(crate) fn get(&self, id: i64) -> Option<&Record> {
        self.rows.get(&id)
    }

    pub(crate) fn len(&self) -> usize {
        self.rows.len()
    }

    /// Rows in id order.
    pub(crate) fn iter(&self) -> impl DoubleEndedIterator<Item = &Record> {
        self.rows.values()
    }

    /// Rows changed after feed position `seq`, in feed order.
    pub(crate) fn changed_after(&self, seq: u64) -> impl Iterator<Item = &Record> {
        self.by_seq
            .range(seq + 1..)
            .filter_map(|(_, id)| self.rows.get(id))
    }

    /// A modification time later than every row's, so that the change feed stays
    /// ordered by `modifiedOn` even if the machine clock is behind the seed window.
    pub(crate) fn now(&self) -> DateTime<Utc> {
        let now = time::to_ticks(Utc::now());
        match self.latest {
            Some(l) if l >= now => l + chrono::Duration::nanoseconds(100),
            _ => now,
        }
    }

    pub(crate) fn allocate_id(&mut self) -> i64 {
        let id = self.next_id;
        self.next_id += self.stride;
        id
    }

    /// Inserts a new row at the end of the change feed.
    pub(crate) fn insert(&mut self, mut record: Record) {
        record.seq = self.next_seq;
        self.next_seq += 1;
        self.latest = self.latest.max(Some(record.modified));
        self.by_seq.insert(record.seq, record.id);
        self.rows.insert(record.id, record);
    }

    /// Applies `change` to a row, then stamps `modifiedOn` and moves the row to the
    /// end of the change feed (so an export resumed from an older token sees it).
    pub(crate) fn update<R>(
        &mut self,
        id: i64,
        change: impl FnOnce(&mut Record) -> R,
    ) -> Option<R> {
        let now = self.now();
        let seq = self.next_seq;
        let record = self.rows.get_mut(&id)?;
        let out = change(record);
        record.set_modified(now);
        self.by_seq.remove(&record.seq);
        record.seq = seq;
        self.by_seq.insert(seq, id);
        self.next_seq += 1;
        self.latest = Some(now);
        Some(out)
    }
}

/// Every table of the simulated tenant.
#[derive(Debug)]
pub(crate) struct Store {
    tables: Vec<Table>,
    /// Job notes by job id.
    pub job_notes: HashMap<i64, Vec<Value>>,
    next_contact_id: i64,
}

impl Store {
    /// Builds the tenant deterministically from `config.seed` and `config.sizes`.
    pub(crate) fn seed(config: &MockConfig) -> Self {
        let seeded = seeded(config.seed, config.sizes);
        let tables = Resource::ALL
            .iter()
            .zip(&seeded.tables)
            .map(|(r, rows)| Table::from_rows(*r, rows.clone()))
            .collect();
        Store {
            tables,
            job_notes: seeded.job_notes.clone(),
            next_contact_id: 70_000_001,
        }
    }

    pub(crate) fn table(&self, r: Resource) -> &Table {
        &self.tables[r.index()]
    }

    pub(crate) fn table_mut(&mut self, r: Resource) -> &mut Table {
        &mut self.tables[r.index()]
    }

    pub(crate) fn next_contact_id(&mut self) -> i64 {
        let id = self.next_contact_id;
        self.next_contact_id += 3;
        id
    }
}

/// Seeded rows are computed once per `(seed, sizes)` in a process and shared by
/// every server started with them: test suites start many servers, and generating
/// a tenant takes long enough in an unoptimised build to dominate a test's runtime.
fn seeded(seed: u64, sizes: crate::config::SeedSizes) -> Arc<generate::Seeded> {
    type Cache = Mutex<HashMap<(u64, crate::config::SeedSizes), Arc<generate::Seeded>>>;
    static CACHE: OnceLock<Cache> = OnceLock::new();
    let mut cache = crate::fault::lock(CACHE.get_or_init(Cache::default));
    if let Some(s) = cache.get(&(seed, sizes)) {
        return s.clone();
    }
    if cache.len() >= 8 {
        cache.clear();
    }
    let s = Arc::new(generate::seed_all(seed, &sizes));
    cache.insert((seed, sizes), s.clone());
    s
}

pub(crate) use generate::{address_json, new_customer_body, new_location_body};
