use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_st-mock");

/// Kills the child on drop, so a failed assertion does not leak a server.
struct Child(std::process::Child);

impl Drop for Child {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[tokio::test]
async fn binary_prints_pasteable_exports_and_applies_fault_flags() {
    let mut child = Child(
        Command::new(BIN)
            .args([
                "--port",
                "0",
                "--tenant",
                "42",
                "--client-id",
                "cid.cli",
                "--fault",
                "503:1",
                "--customers",
                "30",
            ])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    let mut line = String::new();
    BufReader::new(child.0.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let vars: std::collections::HashMap<&str, &str> = line
        .trim()
        .strip_prefix("export ")
        .expect("first line is an export statement")
        .split(' ')
        .map(|kv| kv.split_once('=').unwrap())
        .collect();
    assert_eq!(vars["ST_TENANT_ID"], "42");
    assert_eq!(vars["ST_CLIENT_ID"], "cid.cli");
    let http = reqwest::Client::new();
    let token: Value = http
        .post(format!("{}/connect/token", vars["ST_AUTH_URL"]))
        .form(&[
            ("grant_type", "client_credentials"),
            ("client_id", vars["ST_CLIENT_ID"]),
            ("client_secret", vars["ST_CLIENT_SECRET"]),
        ])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let url = format!(
        "{}/crm/v2/tenant/42/customers?active=Any&includeTotal=true",
        vars["ST_API_URL"]
    );
    let get = || {
        http.get(&url)
            .bearer_auth(token["access_token"].as_str().unwrap())
            .header("ST-App-Key", vars["ST_APP_KEY"])
            .send()
    };
    assert_eq!(get().await.unwrap().status(), 503);
    let page: Value = get().await.unwrap().json().await.unwrap();
    assert_eq!(page["totalCount"], 30);
}

#[test]
fn help_documents_every_fault_flag() {
    let out = Command::new(BIN).arg("--help").output().unwrap();
    assert!(out.status.success());
    let help = String::from_utf8(out.stdout).unwrap();
    for needle in [
        "--fault",
        "--latency-ms",
        "--drift",
        "--port",
        "--tenant",
        "--client-id",
        "--client-secret",
        "--app-key",
        "--token-lifetime",
        "--export-rows",
        "--export-page-size",
        "--report-polls",
        "reset",
        "malformed",
        "expire",
        "revoke",
        "latency=MS",
        "429",
        "retry-after=date+SECS",
        "every=K",
        "skip=N",
        "path=GLOB",
        "method=M",
        "unknown-fields",
        "integer-enums",
        "naive-timestamps",
        "string-money",
        "unknown-enums",
    ] {
        assert!(help.contains(needle), "--help does not mention {needle}");
    }
    let bad = Command::new(BIN)
        .args(["--fault", "teapot"])
        .output()
        .unwrap();
    assert!(!bad.status.success());
}
