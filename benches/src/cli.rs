//! The bench binaries' few options: `--name value` pairs, and bare values.

use std::str::FromStr;

/// The value after `--name`, parsed, or `default`. Exits with a message on a bad value.
pub fn option<T: FromStr>(name: &str, default: T) -> T {
    let args: Vec<String> = std::env::args().collect();
    let flag = format!("--{name}");
    match args.iter().position(|a| *a == flag) {
        None => default,
        Some(i) => match args.get(i + 1).map(|v| v.parse()) {
            Some(Ok(value)) => value,
            _ => {
                eprintln!("{flag} needs a value of the right kind");
                std::process::exit(2);
            }
        },
    }
}

/// Whether `--name` was given.
pub fn flag(name: &str) -> bool {
    let flag = format!("--{name}");
    std::env::args().any(|a| a == flag)
}

/// A comma-separated list after `--name`, or `default`.
pub fn list<T: FromStr + Clone>(name: &str, default: &[T]) -> Vec<T> {
    let raw: String = option(name, String::new());
    if raw.is_empty() {
        return default.to_vec();
    }
    raw.split(',')
        .map(|v| {
            v.trim().parse().unwrap_or_else(|_| {
                eprintln!("--{name}: cannot parse {v:?}");
                std::process::exit(2);
            })
        })
        .collect()
}

/// Arguments that are neither `--name` nor the value after one, for the options in `valued`.
pub fn positional(valued: &[&str]) -> Vec<String> {
    let mut out = Vec::new();
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        if let Some(name) = arg.strip_prefix("--") {
            if valued.contains(&name) {
                args.next();
            }
        } else {
            out.push(arg);
        }
    }
    out
}
