//! Real `kis-server` processes on loopback for the tests, and a small HTTP client.
#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

/// The server binary cargo built for these tests.
pub const BIN: &str = env!("CARGO_BIN_EXE_kis-server");

/// The example policy of the repository.
pub fn policy_path() -> String {
    format!("{}/../examples/policy.toml", env!("CARGO_MANIFEST_DIR"))
}

/// Runs the binary to completion (bootstrap, issue-token); its stdout, trimmed.
pub fn cli(args: &[&str], envs: &[(&str, &str)]) -> String {
    let out = Command::new(BIN)
        .args(args)
        .envs(envs.iter().copied())
        .output()
        .expect("run kis-server");
    assert!(
        out.status.success(),
        "kis-server {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap().trim().to_string()
}

/// A running server; stopped (SIGTERM, then killed) when dropped.
pub struct ServerProcess {
    child: Option<Child>,
    /// `http://127.0.0.1:PORT`.
    pub url: String,
    stderr: std::sync::Arc<std::sync::Mutex<String>>,
}

impl ServerProcess {
    /// Starts `kis-server` with `args` on a free port and waits until it listens.
    pub fn start(args: &[&str], envs: &[(&str, &str)]) -> ServerProcess {
        let mut child = Command::new(BIN)
            .args(args)
            .args(["--listen", "127.0.0.1:0"])
            .envs(envs.iter().copied())
            .env("RUST_LOG", "info")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start kis-server");
        let stderr = std::sync::Arc::new(std::sync::Mutex::new(String::new()));
        let err_pipe = child.stderr.take().unwrap();
        let sink = stderr.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(err_pipe).lines().map_while(Result::ok) {
                let mut s = sink.lock().unwrap();
                s.push_str(&line);
                s.push('\n');
            }
        });
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let first = lines.next().and_then(Result::ok).unwrap_or_else(|| {
            let _ = child.wait();
            panic!("kis-server did not start: {}", stderr.lock().unwrap())
        });
        let url = first
            .rsplit(' ')
            .next()
            .filter(|u| u.starts_with("http"))
            .unwrap_or_else(|| panic!("unexpected first line {first:?}"))
            .to_string();
        ServerProcess {
            child: Some(child),
            url,
            stderr,
        }
    }

    /// What the server logged so far.
    pub fn logs(&self) -> String {
        self.stderr.lock().unwrap().clone()
    }

    /// Sends SIGTERM.
    pub fn terminate(&self) {
        if let Some(child) = &self.child {
            let _ = Command::new("kill")
                .args(["-TERM", &child.id().to_string()])
                .status();
        }
    }

    /// Sends SIGTERM and waits for the exit (at most 30 s).
    pub fn stop(mut self) -> ExitStatus {
        self.terminate();
        let mut child = self.child.take().unwrap();
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            if let Some(status) = child.try_wait().unwrap() {
                return status;
            }
            if Instant::now() > deadline {
                let _ = child.kill();
                panic!("kis-server did not stop within 30 s");
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// An answer: status, content type, body.
#[derive(Debug)]
pub struct Answer {
    /// The status code.
    pub status: u16,
    /// The Content-Type header.
    pub content_type: String,
    /// Other headers a test looks at.
    pub headers: Vec<(String, String)>,
    /// The body's bytes.
    pub bytes: Vec<u8>,
}

impl Answer {
    /// The body as JSON.
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.bytes).unwrap_or_else(|e| {
            panic!(
                "{}: not JSON ({e}): {}",
                self.status,
                String::from_utf8_lossy(&self.bytes)
            )
        })
    }

    /// A header's value.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// Asserts a 200 JSON answer; its body.
    pub fn ok_json(&self) -> Value {
        assert_eq!(self.status, 200, "{}", String::from_utf8_lossy(&self.bytes));
        assert_eq!(self.content_type, "application/json");
        self.json()
    }

    /// Asserts a problem+json answer of `status` and `kind`; its body.
    pub fn problem(&self, status: u16, kind: &str) -> Value {
        assert_eq!(
            self.status,
            status,
            "{}",
            String::from_utf8_lossy(&self.bytes)
        );
        assert_eq!(self.content_type, "application/problem+json");
        let body = self.json();
        assert_eq!(body["kind"], kind, "{body}");
        assert_eq!(body["status"], status);
        body
    }
}

/// An HTTP client of one server.
#[derive(Clone)]
pub struct Client {
    agent: ureq::Agent,
    /// The server's base URL.
    pub base: String,
}

impl Client {
    /// A client of `base` that reports every status as an answer, not an error.
    pub fn new(base: &str) -> Client {
        Client::with_agent(
            base,
            ureq::Agent::config_builder()
                .http_status_as_error(false)
                .build()
                .into(),
        )
    }

    /// A client with a configured agent (TLS roots).
    pub fn with_agent(base: &str, agent: ureq::Agent) -> Client {
        Client {
            agent,
            base: base.to_string(),
        }
    }

    fn answer(r: Result<ureq::http::Response<ureq::Body>, ureq::Error>) -> Answer {
        let mut r = r.expect("HTTP request");
        let headers = r
            .headers()
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_str().unwrap_or_default().to_string()))
            .collect();
        let content_type = r
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string();
        let bytes = r
            .body_mut()
            .with_config()
            .limit(256 << 20)
            .read_to_vec()
            .expect("read body");
        Answer {
            status: r.status().as_u16(),
            content_type,
            headers,
            bytes,
        }
    }

    /// `POST path` with a body and headers.
    pub fn post_raw(&self, path: &str, headers: &[(&str, &str)], body: &[u8]) -> Answer {
        let mut req = self.agent.post(format!("{}{path}", self.base));
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        Client::answer(req.send(body))
    }

    /// `GET path` with headers.
    pub fn get(&self, path: &str, headers: &[(&str, &str)]) -> Answer {
        let mut req = self.agent.get(format!("{}{path}", self.base));
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        Client::answer(req.call())
    }

    /// Calls API entry `entry` with `token` and a JSON request.
    pub fn call(&self, token: &str, entry: &str, request: &Value) -> Answer {
        self.call_keyed(token, entry, request, None)
    }

    /// [`call`](Self::call) with an idempotency key.
    pub fn call_keyed(
        &self,
        token: &str,
        entry: &str,
        request: &Value,
        key: Option<&str>,
    ) -> Answer {
        let auth = format!("Bearer {token}");
        let mut headers = vec![
            ("Authorization", auth.as_str()),
            ("Content-Type", "application/json"),
        ];
        if let Some(k) = key {
            headers.push(("Idempotency-Key", k));
        }
        self.post_raw(
            &format!("/v1/{entry}"),
            &headers,
            request.to_string().as_bytes(),
        )
    }

    /// Calls `entry` and expects 200; its output.
    pub fn ok(&self, token: &str, entry: &str, request: Value) -> Value {
        self.call(token, entry, &request).ok_json()
    }
}

/// A fresh PostgreSQL database on the test server, as a URL (None without one).
pub fn fresh_postgres_database(prefix: &str) -> Option<String> {
    let url = std::env::var("KIS_TEST_POSTGRES_URL").ok()?;
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    let db = format!("{prefix}_{}_{nanos}", std::process::id());
    let mut admin =
        postgres::Client::connect(&url, postgres::NoTls).expect("connect to PostgreSQL");
    admin
        .batch_execute(&format!("CREATE DATABASE {db}"))
        .unwrap();
    let i = url.rfind('/').expect("a database in the URL");
    Some(format!("{}/{db}", &url[..i]))
}

/// The organisation every HTTP test uses, made through the API with the admin's token:
/// a director, team east (manager meng, reps li and wang), team west (manager ma, rep
/// zhao), and a token for each. Returns the tokens by user id.
pub fn organisation(
    c: &Client,
    admin: &str,
    expires_at: &str,
) -> std::collections::HashMap<String, String> {
    use serde_json::json;
    let mut tokens = std::collections::HashMap::new();
    tokens.insert("admin".to_string(), admin.to_string());
    for (id, role) in [
        ("dong", "director"),
        ("meng", "manager"),
        ("ma", "manager"),
        ("fan", "finance"),
    ] {
        c.ok(
            admin,
            "add_user",
            json!({"id": id, "name": id, "role": role}),
        );
    }
    c.ok(
        admin,
        "add_team",
        json!({"id": "east", "name": "East", "manager": "meng", "director": "dong"}),
    );
    c.ok(
        admin,
        "add_team",
        json!({"id": "west", "name": "West", "manager": "ma", "director": "dong"}),
    );
    for (id, team) in [("li", "east"), ("wang", "east"), ("zhao", "west")] {
        c.ok(
            admin,
            "add_user",
            json!({"id": id, "name": id, "role": "rep", "team": team}),
        );
    }
    for id in ["dong", "meng", "ma", "fan", "li", "wang", "zhao"] {
        let issued = c.ok(
            admin,
            "issue_api_token",
            json!({"user": id, "label": format!("{id} test"), "expires_at": expires_at}),
        );
        tokens.insert(
            id.to_string(),
            issued["token"].as_str().unwrap().to_string(),
        );
    }
    c.ok(&tokens["dong"], "put_product", json!({"product": {"id": "KIS-PRO", "name": "KIS Professional", "category": "software>erp",
        "list_price": {"amount": "1000", "currency": "CNY"}, "cost": {"amount": "600", "currency": "CNY"}}}));
    for (id, owner) in [("C-LI", "li"), ("C-ZHAO", "zhao")] {
        c.ok(
            &tokens[owner],
            "add_customer",
            json!({"id": id, "name": format!("Customer {id}"), "group": "retail", "owner": owner}),
        );
    }
    tokens
}

/// A store and an admin token: a server's bootstrap through the CLI.
pub fn bootstrap(store: &str, extra: &[&str]) -> String {
    let mut args = vec!["bootstrap", "--store", store, "--policy"];
    let policy = policy_path();
    args.push(&policy);
    args.extend_from_slice(extra);
    args.extend_from_slice(&["--admin", "admin", "--name", "Ada Admin"]);
    cli(&args, &[])
}
