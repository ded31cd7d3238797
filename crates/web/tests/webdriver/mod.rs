//! A small W3C WebDriver client for the browser test: starts Debian's
//! chromedriver on a free loopback port and drives headless Chromium.

use reqwest::Client;
use serde_json::{json, Value};
use std::os::unix::process::CommandExt;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub struct Browser {
    client: Client,
    session: String,
    driver: Child,
}

pub struct Element(String);

const ELEMENT_KEY: &str = "element-6066-11e4-a52e-4f735466cecf";

/// Where chromedriver and chromium are, if they are installed.
pub fn find_driver() -> Option<(String, String)> {
    let driver = std::env::var("CHROMEDRIVER").unwrap_or_else(|_| "/usr/bin/chromedriver".into());
    let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    (std::path::Path::new(&driver).exists() && std::path::Path::new(&chromium).exists())
        .then_some((driver, chromium))
}

/// The driver and browser, or None (with a message) to skip a test on a
/// machine without them; with CUSTODIAN_REQUIRE_BROWSER set, a missing
/// browser fails the test instead.
pub fn driver_or_skip() -> Option<(String, String)> {
    let found = find_driver();
    if found.is_none() {
        assert!(
            std::env::var_os("CUSTODIAN_REQUIRE_BROWSER").is_none(),
            "CUSTODIAN_REQUIRE_BROWSER is set but chromedriver or chromium is missing"
        );
        eprintln!("skipped: /usr/bin/chromedriver or /usr/bin/chromium is not installed");
    }
    found
}

impl Browser {
    /// Fills the login form the browser is on and sends it.
    pub async fn log_in(&self, email: &str, password: &str) {
        self.fill("#email", email).await;
        self.fill("#password", password).await;
        self.click("form[action='/login'] button").await;
    }

    /// Logs out with the page's button and waits for the login page.
    pub async fn log_out(&self) {
        self.click("form[action='/logout'] button").await;
        self.wait_for_text("h1", "Log in").await;
    }

    /// Fills one field of a form and sends the form with its button.
    pub async fn fill_and_send(&self, form: &str, field: &str, text: &str) {
        self.fill(&format!("{form} {field}"), text).await;
        self.click(&format!("{form} button")).await;
    }

    pub async fn start(driver_path: &str, chromium_path: &str) -> Browser {
        let port = {
            let probe = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
            probe.local_addr().unwrap().port()
        };
        // Its own process group, so that dropping the browser also ends the
        // Chromium processes chromedriver started, even after a failed test.
        // A fixed zone east of UTC, so tests see local-time handling at work.
        let driver = Command::new(driver_path)
            .env("TZ", "Europe/Berlin")
            .process_group(0)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver starts");
        let client = Client::new();
        let base = format!("http://127.0.0.1:{port}");
        let started = Instant::now();
        loop {
            let ready = client
                .get(format!("{base}/status"))
                .send()
                .await
                .ok()
                .map(|r| r.status().is_success())
                .unwrap_or(false);
            if ready {
                break;
            }
            assert!(
                started.elapsed() < Duration::from_secs(20),
                "chromedriver did not start"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let capabilities = json!({"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": chromium_path,
                "args": ["--headless=new", "--no-sandbox", "--disable-gpu",
                         "--disable-dev-shm-usage", "--window-size=1280,900"]
            }
        }}});
        let created: Value = client
            .post(format!("{base}/session"))
            .json(&capabilities)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let session = created["value"]["sessionId"]
            .as_str()
            .unwrap_or_else(|| panic!("no WebDriver session: {created}"))
            .to_string();
        Browser {
            client,
            session: format!("{base}/session/{session}"),
            driver,
        }
    }

    async fn command(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> Value {
        self.try_command(method, path, body)
            .await
            .unwrap_or_else(|error| panic!("WebDriver {path}: {error}"))
    }

    async fn try_command(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<Value>,
    ) -> Result<Value, String> {
        let url = format!("{}{path}", self.session);
        let mut request = self.client.request(method, &url);
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response: Value = request.send().await.unwrap().json().await.unwrap();
        match response["value"]["error"].as_str() {
            Some(error) => Err(format!("{error}: {}", response["value"]["message"])),
            None => Ok(response["value"].clone()),
        }
    }

    pub async fn goto(&self, url: &str) {
        self.command(reqwest::Method::POST, "/url", Some(json!({ "url": url })))
            .await;
    }

    /// Sets the window's size in CSS pixels (1366×900 a laptop, 390×844 a
    /// phone).
    pub async fn resize(&self, width: u32, height: u32) {
        self.command(
            reqwest::Method::POST,
            "/window/rect",
            Some(json!({ "width": width, "height": height })),
        )
        .await;
    }

    /// Saves what the window shows as a PNG in the folder named by
    /// CUSTODIAN_SCREENSHOTS (docs/screenshots/ for the user guide), when
    /// that is set; otherwise nothing.
    pub async fn screenshot(&self, name: &str) {
        let Ok(folder) = std::env::var("CUSTODIAN_SCREENSHOTS") else {
            return;
        };
        let encoded = self
            .command(reqwest::Method::GET, "/screenshot", None)
            .await;
        let png = decode_base64(encoded.as_str().unwrap_or_default());
        std::fs::create_dir_all(&folder).unwrap();
        std::fs::write(
            std::path::Path::new(&folder).join(format!("{name}.png")),
            png,
        )
        .unwrap();
    }

    /// Whether the page is wider than the window (a horizontal scroll bar).
    pub async fn overflows_sideways(&self) -> bool {
        let widths = self
            .execute("return [document.documentElement.scrollWidth, window.innerWidth];")
            .await;
        widths[0].as_i64() > widths[1].as_i64()
    }

    pub async fn current_url(&self) -> String {
        self.text_of("/url").await
    }

    /// What a GET command answers, as text.
    async fn text_of(&self, path: &str) -> String {
        let answer = self.command(reqwest::Method::GET, path, None).await;
        answer.as_str().unwrap_or_default().to_string()
    }

    async fn try_find(&self, css: &str) -> Option<Element> {
        let using = json!({"using": "css selector", "value": css});
        let found = self.try_command(reqwest::Method::POST, "/element", Some(using));
        let found = found.await.ok()?;
        found[ELEMENT_KEY]
            .as_str()
            .map(|id| Element(id.to_string()))
    }

    /// Waits up to five seconds for an element to appear.
    pub async fn find(&self, css: &str) -> Element {
        let started = Instant::now();
        loop {
            if let Some(element) = self.try_find(css).await {
                return element;
            }
            if started.elapsed() > Duration::from_secs(5) {
                panic!("no element matches {css} in {}", self.source().await);
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Runs a script in the page and returns its value.
    pub async fn execute(&self, script: &str) -> Value {
        self.command(
            reqwest::Method::POST,
            "/execute/sync",
            Some(json!({ "script": script, "args": [] })),
        )
        .await
    }

    /// The page's HTML, for failure messages.
    pub async fn source(&self) -> String {
        self.text_of("/source").await
    }

    /// Waits up to five seconds until the element's text contains `expected`.
    pub async fn wait_for_text(&self, css: &str, expected: &str) -> String {
        let started = Instant::now();
        loop {
            // The page may change between finding the element and reading it.
            let text = match self.try_find(css).await {
                Some(element) => self
                    .try_command(
                        reqwest::Method::GET,
                        &format!("/element/{}/text", element.0),
                        None,
                    )
                    .await
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_string)),
                None => None,
            };
            if let Some(text) = &text {
                if text.contains(expected) {
                    return text.clone();
                }
            }
            if started.elapsed() > Duration::from_secs(5) {
                panic!(
                    "{css} shows {text:?}, not {expected:?}, in {}",
                    self.source().await
                );
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    pub async fn clear(&self, element: &Element) {
        self.command(
            reqwest::Method::POST,
            &format!("/element/{}/clear", element.0),
            Some(json!({})),
        )
        .await;
    }

    pub async fn type_into(&self, element: &Element, text: &str) {
        self.command(
            reqwest::Method::POST,
            &format!("/element/{}/value", element.0),
            Some(json!({ "text": text })),
        )
        .await;
    }

    pub async fn fill(&self, css: &str, text: &str) {
        let element = self.find(css).await;
        self.clear(&element).await;
        self.type_into(&element, text).await;
    }

    pub async fn click(&self, css: &str) {
        let element = self.find(css).await;
        self.command(
            reqwest::Method::POST,
            &format!("/element/{}/click", element.0),
            Some(json!({})),
        )
        .await;
    }

    /// Closes the browser; dropping it then ends chromedriver.
    pub async fn quit(self) {
        let _ = self.client.delete(&self.session).send().await;
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let group = format!("-{}", self.driver.id());
        let _ = Command::new("kill").args(["-TERM", "--", &group]).status();
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

/// Standard base64 (the WebDriver screenshot), without a crate for it.
fn decode_base64(text: &str) -> Vec<u8> {
    let value = |c: u8| match c {
        b'A'..=b'Z' => Some(c - b'A'),
        b'a'..=b'z' => Some(c - b'a' + 26),
        b'0'..=b'9' => Some(c - b'0' + 52),
        b'+' => Some(62),
        b'/' => Some(63),
        _ => None,
    };
    let sextets: Vec<u8> = text.bytes().filter_map(value).collect();
    sextets
        .chunks(4)
        .flat_map(|chunk| {
            let bits = chunk
                .iter()
                .enumerate()
                .fold(0u32, |acc, (i, s)| acc | (u32::from(*s) << (18 - 6 * i)));
            let bytes = [(bits >> 16) as u8, (bits >> 8) as u8, bits as u8];
            bytes.into_iter().take(chunk.len().saturating_sub(1))
        })
        .collect()
}
