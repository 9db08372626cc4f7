//! Word lists for realistic-looking names and addresses (invented combinations,
//! common US first/last names, real US city/state/ZIP prefixes).

pub(crate) const FIRST_NAMES: &[&str] = &[
    "James", "Mary", "Robert", "Patricia", "John", "Jennifer", "Michael", "Linda", "David",
    "Elizabeth", "William", "Barbara", "Richard", "Susan", "Joseph", "Jessica", "Thomas", "Sarah",
    "Christopher", "Karen", "Charles", "Lisa", "Daniel", "Nancy", "Matthew", "Betty", "Anthony",
    "Sandra", "Mark", "Margaret", "Donald", "Ashley", "Steven", "Kimberly", "Andrew", "Emily",
    "Paul", "Donna", "Joshua", "Michelle", "Kenneth", "Carol", "Kevin", "Amanda", "Brian",
    "Melissa", "George", "Deborah", "Timothy", "Stephanie", "Ronald", "Rebecca", "Jason", "Laura",
    "Edward", "Sharon", "Jeffrey", "Cynthia", "Ryan", "Kathleen", "Jacob", "Amy", "Gary",
    "Angela", "Nicholas", "Shirley", "Eric", "Brenda", "Jonathan", "Emma", "Luis", "Sofia",
    "Carlos", "Maria", "Miguel", "Ana", "Hector", "Rosa", "Minh", "Priya", "Wei", "Aisha",
];

pub(crate) const LAST_NAMES: &[&str] = &[
    "Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis", "Rodriguez",
    "Martinez", "Hernandez", "Lopez", "Gonzalez", "Wilson", "Anderson", "Thomas", "Taylor",
    "Moore", "Jackson", "Martin", "Lee", "Perez", "Thompson", "White", "Harris", "Sanchez",
    "Clark", "Ramirez", "Lewis", "Robinson", "Walker", "Young", "Allen", "King", "Wright",
    "Scott", "Torres", "Nguyen", "Hill", "Flores", "Green", "Adams", "Nelson", "Baker", "Hall",
    "Rivera", "Campbell", "Mitchell", "Carter", "Roberts", "Gomez", "Phillips", "Evans",
    "Turner", "Diaz", "Parker", "Cruz", "Edwards", "Collins", "Reyes", "Stewart", "Morris",
    "Morales", "Murphy", "Cook", "Rogers", "Gutierrez", "Ortiz", "Morgan", "Cooper", "Peterson",
    "Bailey", "Reed", "Kelly", "Howard", "Ramos", "Kim", "Cox", "Ward", "Richardson", "Patel",
    "O'Brien", "Van Dyke", "St. James",
];

pub(crate) const STREET_NAMES: &[&str] = &[
    "Main", "Oak", "Pine", "Maple", "Cedar", "Elm", "Washington", "Lake", "Hill", "Sunset",
    "Park", "Ridge", "Willow", "Meadow", "Highland", "Forest", "River", "Spring", "Valley",
    "Lincoln", "Jefferson", "Madison", "Franklin", "Cherry", "Walnut", "Hickory", "Magnolia",
    "Dogwood", "Aspen", "Sycamore", "Juniper", "Laurel", "Mesa Verde", "El Camino", "Old Mill",
];

pub(crate) const STREET_SUFFIXES: &[&str] =
    &["St", "Ave", "Blvd", "Dr", "Ln", "Rd", "Ct", "Way", "Pl", "Cir", "Ter", "Pkwy"];

/// (city, state, ZIP prefix, latitude, longitude)
pub(crate) const CITIES: &[(&str, &str, &str, f64, f64)] = &[
    ("Glendale", "CA", "912", 34.1425, -118.2551),
    ("Burbank", "CA", "915", 34.1808, -118.3090),
    ("Pasadena", "CA", "911", 34.1478, -118.1445),
    ("Sacramento", "CA", "958", 38.5816, -121.4944),
    ("Phoenix", "AZ", "850", 33.4484, -112.0740),
    ("Mesa", "AZ", "852", 33.4152, -111.8315),
    ("Tucson", "AZ", "857", 32.2226, -110.9747),
    ("Dallas", "TX", "752", 32.7767, -96.7970),
    ("Austin", "TX", "787", 30.2672, -97.7431),
    ("Houston", "TX", "770", 29.7604, -95.3698),
    ("San Antonio", "TX", "782", 29.4241, -98.4936),
    ("Denver", "CO", "802", 39.7392, -104.9903),
    ("Aurora", "CO", "800", 39.7294, -104.8319),
    ("Las Vegas", "NV", "891", 36.1699, -115.1398),
    ("Henderson", "NV", "890", 36.0395, -114.9817),
    ("Orlando", "FL", "328", 28.5383, -81.3792),
    ("Tampa", "FL", "336", 27.9506, -82.4572),
    ("Atlanta", "GA", "303", 33.7490, -84.3880),
    ("Charlotte", "NC", "282", 35.2271, -80.8431),
    ("Nashville", "TN", "372", 36.1627, -86.7816),
    ("Columbus", "OH", "432", 39.9612, -82.9988),
    ("Indianapolis", "IN", "462", 39.7684, -86.1581),
    ("Minneapolis", "MN", "554", 44.9778, -93.2650),
    ("Salt Lake City", "UT", "841", 40.7608, -111.8910),
    ("Boise", "ID", "837", 43.6150, -116.2023),
    ("Portland", "OR", "972", 45.5152, -122.6784),
    ("Spokane", "WA", "992", 47.6588, -117.4260),
];

pub(crate) const COMPANY_WORDS: &[&str] = &[
    "Summit", "Pioneer", "Golden State", "Redwood", "Lakeside", "Metro", "Harbor", "Crestview",
    "Evergreen", "Silverline", "Blue Ridge", "Canyon", "Prairie", "Northstar", "Keystone",
];

pub(crate) const COMPANY_KINDS: &[&str] = &[
    "Property Management", "Dental Group", "Apartments", "Realty", "Medical Plaza",
    "Self Storage", "Church", "Elementary School", "Restaurant Group", "Hotel & Suites",
    "Office Park", "HOA", "Auto Body", "Fitness Center", "Veterinary Clinic",
];

pub(crate) const COMPANY_SUFFIXES: &[&str] = &["LLC", "Inc.", "Co.", "", "", "Corp."];

/// (business unit id, name)
pub(crate) const BUSINESS_UNITS: &[(i64, &str)] = &[
    (1001, "HVAC - Service"),
    (1002, "HVAC - Install"),
    (1003, "Plumbing - Service"),
    (1004, "Plumbing - Install"),
    (1005, "Electrical - Service"),
    (1006, "Drains & Sewer"),
];

pub(crate) const JOB_TYPE_IDS: &[i64] = &[2101, 2102, 2103, 2104, 2105, 2106, 2107, 2108];
pub(crate) const CAMPAIGN_IDS: &[i64] = &[3301, 3302, 3303, 3304, 3305];
pub(crate) const TAG_TYPE_IDS: &[i64] = &[4401, 4402, 4403, 4404, 4405, 4406];

pub(crate) const JOB_SUMMARIES: &[&str] = &[
    "No cooling upstairs, unit running but blowing warm air.",
    "Annual furnace tune-up per membership agreement.",
    "Water heater leaking at the base; customer requests replacement quote.",
    "Kitchen sink drain slow, possible blockage in main line.",
    "Breaker trips when the dryer runs.",
    "Install new 3-ton heat pump and air handler.",
    "Thermostat blank, no heat.",
    "Sewer camera inspection before home sale.",
    "Replace garbage disposal.",
    "Outdoor unit making grinding noise.",
];

/// (SKU id, name, type, unit price in dollars)
pub(crate) const SKUS: &[(i64, &str, &str, f64)] = &[
    (5501, "Diagnostic Fee", "Service", 89.0),
    (5502, "A/C Tune-Up", "Service", 129.0),
    (5503, "Capacitor 45/5 MFD", "Material", 185.0),
    (5504, "Contactor 2-Pole 40A", "Material", 165.0),
    (5505, "Refrigerant R-410A (per lb)", "Material", 95.0),
    (5506, "50 Gal Gas Water Heater", "Equipment", 2450.0),
    (5507, "Drain Cleaning - Main Line", "Service", 325.0),
    (5508, "Garbage Disposal 3/4 HP", "Equipment", 540.0),
    (5509, "Smart Thermostat", "Equipment", 389.0),
    (5510, "Membership Discount", "PriceModifier", -25.0),
];

pub(crate) const SKILLS: &[(i64, &str)] = &[
    (6601, "HVAC"),
    (6602, "Plumbing"),
    (6603, "Electrical"),
    (6604, "Drain Cleaning"),
    (6605, "Commercial Refrigeration"),
    (6606, "Gas Lines"),
];

pub(crate) const TEAMS: &[&str] = &["Red Team", "Blue Team", "Install Crew", "Night Shift"];

pub(crate) const NOTE_TEXTS: &[&str] = &[
    "Customer has a dog in the backyard; call before entering the gate.",
    "Gate code 4821#.",
    "Parts ordered, ETA two business days.",
    "Customer approved option B on the estimate.",
    "Left voicemail to confirm the appointment window.",
    "Attic access through the hallway closet.",
];
