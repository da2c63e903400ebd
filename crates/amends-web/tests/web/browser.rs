//! The real server, driven by a real headless Chromium (Debian's `chromium` and
//! `chromium-driver`, installed by `./scripts/test`), with axe-core from npm checking every
//! screen. Failures leave a screenshot and the page source in `test-artifacts/`.

use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::elements::Element;
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{Value, json};

pub type Step<T = ()> = Result<T, String>;

pub fn err<E: std::fmt::Display>(what: &str) -> impl FnOnce(E) -> String + '_ {
    move |e| format!("{what}: {e}")
}

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn find(binary: &str, fallbacks: &[&str]) -> PathBuf {
    let from_path = std::env::var_os("PATH")
        .into_iter()
        .flat_map(|p| std::env::split_paths(&p).collect::<Vec<_>>())
        .map(|d| d.join(binary))
        .find(|p| p.is_file());
    from_path
        .or_else(|| fallbacks.iter().map(PathBuf::from).find(|p| p.is_file()))
        .unwrap_or_else(|| {
            panic!(
                "{binary} is not installed. The browser tests need Debian's chromium and \
                 chromium-driver; ./scripts/test installs them."
            )
        })
}

/// Kills chromedriver when the test ends, however it ends.
struct Driver(Child);

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

pub struct Harness {
    pub client: Client,
    pub base: String,
    _tmp: tempfile::TempDir,
    name: String,
    _driver: Driver,
}

impl Harness {
    /// Starts the amends server on a fresh data folder (or the demo) and a browser on it.
    pub async fn start(name: &str, demo: bool) -> Harness {
        let tmp = tempfile::tempdir().unwrap();
        let mut data_dir = tmp.path().join("data");
        let mut demo_info = None;
        if demo {
            data_dir = tmp.path().join("demo");
            let app = amends_app::demo::create(&data_dir, jiff::Timestamp::now())
                .await
                .unwrap();
            app.close().await;
            demo_info = Some(amends_web::DemoInfo {
                passphrase: amends_app::demo::DEMO_PASSPHRASE.into(),
                _dir: std::sync::Arc::new(amends_web::TempDirGuard(data_dir.clone())),
            });
        }
        let mut opts = amends_web::Options::local(data_dir);
        opts.port = 0;
        let (tx, rx) = tokio::sync::oneshot::channel::<SocketAddr>();
        tokio::spawn(async move {
            let result = amends_web::serve(opts, demo_info, move |addr| {
                let _ = tx.send(addr);
            })
            .await;
            if let Err(e) = result {
                eprintln!("server stopped: {e}");
            }
        });
        let addr = tokio::time::timeout(Duration::from_secs(30), rx)
            .await
            .unwrap()
            .unwrap();

        let chromedriver = find(
            "chromedriver",
            &["/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver"],
        );
        let chromium = find(
            "chromium",
            &["/usr/bin/chromium", "/usr/bin/chromium-browser"],
        );
        let port = free_port();
        let driver = Command::new(chromedriver)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver did not start");
        let driver = Driver(driver);
        let deadline = Instant::now() + Duration::from_secs(30);
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                Instant::now() < deadline,
                "chromedriver did not start listening"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let profile = tmp.path().join("profile");
        let caps = json!({
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": chromium,
                // The network here is closed; without these flags Chromium keeps trying to
                // reach Google's services in the background.
                "args": [
                    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                    "--disable-quic", "--no-first-run", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync", "--window-size=1280,1000",
                    format!("--user-data-dir={}", profile.display()),
                ]
            }
        });
        let Value::Object(caps) = caps else {
            unreachable!()
        };
        let connector = hyper_util::client::legacy::connect::HttpConnector::new();
        let client = ClientBuilder::new(connector)
            .capabilities(caps)
            .connect(&format!("http://127.0.0.1:{port}"))
            .await
            .expect("could not start a Chromium session");
        Harness {
            client,
            base: format!("http://{addr}"),
            _tmp: tmp,
            name: name.into(),
            _driver: driver,
        }
    }

    pub async fn goto(&self, path: &str) -> Step {
        self.client
            .goto(&format!("{}{path}", self.base))
            .await
            .map_err(err(path))
    }

    pub async fn path(&self) -> Step<String> {
        let url = self
            .client
            .current_url()
            .await
            .map_err(err("current url"))?;
        Ok(url.path().to_string())
    }

    /// The element `css` finds; the error names the selector.
    async fn el(&self, css: &str) -> Step<Element> {
        self.client.find(Locator::Css(css)).await.map_err(err(css))
    }

    pub async fn fill(&self, css: &str, text: &str) -> Step {
        let el = self.el(css).await?;
        el.clear().await.map_err(err(css))?;
        el.send_keys(text).await.map_err(err(css))
    }

    pub async fn click(&self, css: &str) -> Step {
        self.el(css).await?.click().await.map_err(err(css))
    }

    pub async fn select(&self, css: &str, value: &str) -> Step {
        let el = self.el(css).await?;
        el.select_by_value(value).await.map_err(err(css))
    }

    pub async fn text(&self, css: &str) -> Step<String> {
        self.el(css).await?.text().await.map_err(err(css))
    }

    /// Whether `css` is on screen (not hidden by `hidden` or CSS).
    pub async fn displayed(&self, css: &str) -> Step<bool> {
        self.el(css).await?.is_displayed().await.map_err(err(css))
    }

    /// Follows the link (or presses the button) `css` and waits for the page whose heading
    /// holds `heading`.
    pub async fn follow(&self, css: &str, heading: &str) -> Step<String> {
        self.click(css).await?;
        self.wait_text("h1", heading).await
    }

    /// Opens `path` and waits for the page whose heading holds `heading`.
    pub async fn open(&self, path: &str, heading: &str) -> Step<String> {
        self.goto(path).await?;
        self.wait_text("h1", heading).await
    }

    /// Ends the browser session at the end of a test (the driver process goes with `Harness`).
    pub async fn close(self) {
        let _ = self.client.clone().close().await;
    }

    pub async fn body(&self) -> Step<String> {
        self.text("body").await
    }

    /// Waits until `css` exists and its text contains `needle`.
    pub async fn wait_text(&self, css: &str, needle: &str) -> Step<String> {
        let deadline = Instant::now() + Duration::from_secs(15);
        loop {
            if let Ok(el) = self.client.find(Locator::Css(css)).await
                && let Ok(t) = el.text().await
                && t.contains(needle)
            {
                return Ok(t);
            }
            if Instant::now() > deadline {
                return Err(format!("{css} never contained {needle:?}"));
            }
            tokio::time::sleep(Duration::from_millis(150)).await;
        }
    }

    pub async fn expect_in_body(&self, needle: &str) -> Step {
        let body = self.body().await?;
        if body.contains(needle) {
            Ok(())
        } else {
            Err(format!("the page does not say {needle:?}"))
        }
    }

    /// axe-core on the current page: no serious or critical violation.
    pub async fn axe(&self, screen: &str) -> Step {
        let src =
            std::fs::read_to_string(workspace_root().join("node_modules/axe-core/axe.min.js"))
                .map_err(|e| {
                    format!("axe-core is missing ({e}); ./scripts/test installs it with npm ci")
                })?;
        self.client
            .execute(&src, vec![])
            .await
            .map_err(err("loading axe-core"))?;
        let script = r#"
            const done = arguments[arguments.length - 1];
            axe.run(document, { resultTypes: ["violations"] }).then(r => done(
                r.violations
                    .filter(v => v.impact === "serious" || v.impact === "critical")
                    .map(v => ({ id: v.id, impact: v.impact, help: v.help,
                                 nodes: v.nodes.slice(0, 5).map(n => n.target.join(" ")) }))
            ));
        "#;
        let found = self
            .client
            .execute_async(script, vec![])
            .await
            .map_err(err("running axe-core"))?;
        match found.as_array() {
            Some(v) if v.is_empty() => Ok(()),
            _ => Err(format!("accessibility problems on {screen}: {found:#}")),
        }
    }

    /// Saves a screenshot and the page source for a failed step, then fails the test.
    pub async fn fail(&self, step: &str, message: String) -> ! {
        let dir = workspace_root().join("test-artifacts");
        let _ = std::fs::create_dir_all(&dir);
        let stem = format!(
            "{}-{}",
            self.name,
            step.replace(|c: char| !c.is_ascii_alphanumeric(), "-")
        );
        if let Ok(png) = self.client.screenshot().await {
            let _ = std::fs::write(dir.join(format!("{stem}.png")), png);
        }
        if let Ok(src) = self.client.source().await {
            let _ = std::fs::write(dir.join(format!("{stem}.html")), src);
        }
        panic!(
            "{step}: {message} (screenshot and page source in {})",
            dir.display()
        );
    }

    /// Runs one named step; on failure keeps the evidence.
    pub async fn step<F, Fut>(&self, name: &str, f: F)
    where
        F: FnOnce() -> Fut,
        Fut: std::future::Future<Output = Step>,
    {
        if let Err(e) = f().await {
            self.fail(name, e).await;
        }
    }
}

/// The whole journey a newcomer takes, in a real browser, with axe-core on every screen.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn journey_in_a_real_browser() {
    let h = Harness::start("journey", false).await;
    let pass = "a passphrase for the browser";

    h.step("1 first run and passphrase", || async {
        h.goto("/").await?;
        if h.path().await? != "/setup" {
            return Err("a fresh install should open the setup page".into());
        }
        h.expect_in_body("cannot be recovered").await?;
        h.axe("setup").await?;
        h.fill("#passphrase", pass).await?;
        h.fill("#confirm", pass).await?;
        h.click("#understood").await?;
        h.click("form[action='/setup'] button[type=submit]").await
    })
    .await;

    h.step("2 create a case", || async {
        h.wait_text("h1", "Who is this about?").await?;
        h.axe("first case").await?;
        h.fill("#name", "Sam").await?;
        h.select("#relationship", "spouse").await?;
        h.click("form[action='/cases'] button[type=submit]").await?;
        h.wait_text(".brand", "with Sam").await.map(|_| ())
    })
    .await;

    h.step("3 fill the intake and one workbook row", || async {
        h.follow("nav a[href='/assess/intake']", "Intake").await?;
        h.axe("intake").await?;
        // The conditional questions: app.js hides the no-fault ones until they apply.
        h.click("#intake-did_harm-no").await?;
        if !h.displayed("#intake-nofault_cause-q").await? {
            return Err("a no-fault question should show once \"No\" is chosen".into());
        }
        h.click("#intake-did_harm-yes").await?;
        if h.displayed("#intake-nofault_cause-q").await? {
            return Err("the no-fault questions should hide when they do not apply".into());
        }
        h.click("#intake-motives-put-right").await?;
        h.click("#intake-motives-this-person").await?;
        h.fill(
            "#intake-breakup_reason",
            "I lied about where I was that weekend",
        )
        .await?;
        for radio in [
            "breakup_resolved-unresolved",
            "severity-serious",
            "commitment-4",
            "good_times_only-no",
            "issues_fixed-unsure",
            "apologise_anyway-yes",
            "earlier_attempts-none",
        ] {
            h.click(&format!("#intake-{radio}")).await?;
        }
        h.click("#intake-no_guarantee").await?;
        h.click("#intake-honest").await?;
        h.follow("#intake-form button[type=submit]", "Answers saved")
            .await?;
        h.expect_in_body("Next: the workbook").await?;
        h.axe("intake saved").await?;
        h.follow("#outcome-path a[href='/workbook']", "Workbook")
            .await?;
        h.axe("workbook").await?;
        // DMG-1: a vague act comes back with the reason next to the field, the rest kept.
        h.fill("#wb-act-act", "everything").await?;
        h.fill("#wb-act-impact", "They stopped trusting anything I said")
            .await?;
        h.fill("#wb-act-feelings", "betrayed\nfoolish for believing me")
            .await?;
        h.fill("#wb-act-their_shoes", "I would feel lied to and small")
            .await?;
        h.click("#wb-act-form button[type=submit]").await?;
        h.wait_text("#wb-act-act-error", "too vague").await?;
        h.axe("workbook with a problem").await?;
        h.fill("#wb-act-act", "I lied about where I was that weekend")
            .await?;
        h.click("#wb-act-form button[type=submit]").await?;
        h.wait_text("#wb-act .rows", "I lied about where I was that weekend")
            .await?;
        h.wait_text("#wb-act .rows", "foolish for believing me")
            .await?;
        h.axe("workbook with a row").await?;
        // A row opens again in its own form, filled in, to be changed in place.
        h.follow(
            "#wb-act .rows a[href^='/workbook/row/']",
            "Change what you wrote",
        )
        .await?;
        h.axe("workbook row edit").await
    })
    .await;

    h.step(
        "4 log a contact out and see the NC-2 reason with its date",
        || async {
            h.goto("/contacts").await?;
            h.axe("contact log").await?;
            h.click("#dir-out").await?;
            h.select("#channel", "text").await?;
            h.fill("#contact-note", "Sent a birthday text").await?;
            h.click("form[action='/contacts'] button[type=submit]")
                .await?;
            h.wait_text("main", "counts as a slip").await?;
            h.goto("/").await?;
            let gate = h.wait_text("#gate-outreach", "NC-2").await?;
            let nc2 = gate
                .lines()
                .find(|l| l.contains("NC-2"))
                .ok_or(format!("no NC-2 reason in {gate:?}"))?;
            if !nc2.contains("until") {
                return Err(format!("the NC-2 reason has no date: {nc2:?}"));
            }
            h.axe("today").await
        },
    )
    .await;

    h.step(
        "5 a blaming draft shows that phrase highlighted with blame-shift",
        || async {
            h.goto("/composer?kind=apology").await?;
            h.fill(
                "#text",
                "I'm sorry for what happened, but you made me do it.",
            )
            .await?;
            let marked = h.wait_text("#coach mark.sev-block", "you made me").await?;
            if !marked.contains("you made me") {
                return Err(format!("highlighted {marked:?}"));
            }
            h.wait_text("#coach .finding[data-rule='blame-shift']", "L-4")
                .await?;
            h.axe("composer with findings").await
        },
    )
    .await;

    h.step("the other screens", || async {
        for (path, title) in [
            ("/no-contact", "No contact"),
            ("/no-contact/urge", "The urge to reach out"),
            ("/self-work", "Self-work"),
            ("/promises", "Promises"),
            ("/amends", "Amends"),
        ] {
            h.open(path, title).await?;
            h.axe(path).await?;
        }
        Ok(())
    })
    .await;

    h.step(
        "6 they asked for no contact: outreach is locked for good",
        || async {
            h.goto("/contacts").await?;
            h.select("#signal", "asked-no-contact").await?;
            h.click("form[action='/signals'] button[type=submit]")
                .await?;
            let gate = h.wait_text("#gate-outreach", "SAFE-1").await?;
            if !gate.contains("This does not open with time") {
                return Err(format!("a no has no opening date: {gate:?}"));
            }
            Ok(())
        },
    )
    .await;

    h.step("moving on and walking away", || async {
        h.follow("nav a[href='/moving-on']", "Moving on").await?;
        h.expect_in_body("complete, good outcome").await?;
        h.axe("moving on").await?;
        h.open("/assess/walkaway", "Walk-away").await?;
        h.axe("walk-away").await
    })
    .await;

    h.step("journal", || async {
        h.goto("/journal").await?;
        h.fill("#text", "A private note the browser wrote.").await?;
        h.click("form[action='/journal'] button[type=submit]")
            .await?;
        h.wait_text(".entries", "A private note the browser wrote.")
            .await?;
        h.axe("journal").await
    })
    .await;

    h.step("help now and settings", || async {
        h.follow("footer a.help-now", "Help now").await?;
        h.axe("help").await?;
        h.open("/settings", "Settings").await?;
        h.axe("settings").await?;
        h.goto("/cases").await?;
        h.axe("cases").await
    })
    .await;

    h.step("7 export, lock, unlock", || async {
        h.goto("/settings").await?;
        let script = r#"
            const done = arguments[arguments.length - 1];
            fetch("/settings/export?format=markdown").then(r => r.text()).then(done, e => done("ERR " + e));
        "#;
        let export = h.client.execute_async(script, vec![]).await.map_err(err("export"))?;
        let export = export.as_str().unwrap_or_default();
        if !export.contains("A private note the browser wrote.") || !export.contains("## Sam (spouse)") {
            return Err(format!("the export is missing the journal: {export}"));
        }
        h.follow("footer form[action='/lock'] button", "Unlock amends").await?;
        h.axe("unlock").await?;
        h.goto("/journal").await?;
        if h.path().await? != "/unlock" {
            return Err("a locked app must not show the journal".into());
        }
        h.fill("#passphrase", "not the passphrase").await?;
        h.click("form[action='/unlock'] button[type=submit]").await?;
        h.wait_text(".error", "does not open amends").await?;
        h.fill("#passphrase", pass).await?;
        h.click("form[action='/unlock'] button[type=submit]").await?;
        h.wait_text(".entries", "A private note the browser wrote.").await.map(|_| ())
    })
    .await;

    h.step("the accessibility check can fail", || async {
        // Plant an image without a text alternative: axe must report it, or the checks above
        // prove nothing.
        h.client
            .execute("const i = document.createElement('img'); i.src = '/assets/icon.svg'; document.querySelector('main').appendChild(i);", vec![])
            .await
            .map_err(err("planting a violation"))?;
        match h.axe("planted").await {
            Err(e) if e.contains("image-alt") => Ok(()),
            other => Err(format!("axe did not catch a missing alt text: {other:?}")),
        }
    })
    .await;

    h.close().await;
}

/// Every screen, populated by the demo case, passes axe-core and shows its data.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_screen_of_the_demo_passes_axe() {
    let h = Harness::start("demo", true).await;
    h.step("the demo opens on Today, unlocked", || async {
        h.open("/", "Today").await?;
        h.expect_in_body("Jordan").await?;
        h.expect_in_body("PP-3").await
    })
    .await;
    for (path, needle) in [
        ("/", "What the method allows now"),
        ("/no-contact", "The count"),
        ("/no-contact/urge", "Your own reasons"),
        ("/self-work", "Sleep, last 30 days"),
        ("/self-work?days=90", "Sleep, last 90 days"),
        ("/composer?kind=apology", "Composer"),
        ("/composer?kind=first", "Composer"),
        ("/contacts", "Why did you lie about the birthday?"),
        ("/amends", "Kind gestures"),
        ("/promises", "Answer any question you ask me honestly"),
        ("/journal", "Counselling today"),
        ("/assess", "Intake"),
        ("/assess/intake", "Sunday mornings at the market"),
        ("/assess/readiness", "Readiness"),
        ("/assess/walkaway", "Walk-away"),
        ("/workbook", "birthday dinner"),
        ("/moving-on", "Moving on"),
        ("/cases", "Jordan"),
        ("/settings", "Time zone"),
        ("/help", "Crisis lines"),
        ("/safety-plan", "My safety plan"),
    ] {
        h.step(path, || async {
            h.goto(path).await?;
            h.wait_text("main", needle).await?;
            h.axe(path).await
        })
        .await;
    }
    h.step("composer while typing in the demo", || async {
        h.goto("/composer?kind=apology").await?;
        h.fill("#text", "Jordan, I'm sorry I lied to you about the birthday dinner. You defended me and then learned the truth from a friend. It was my fault. Take all the time you need.").await?;
        h.wait_text("#coach .components", "The specific thing you did").await?;
        h.axe("composer, clean draft").await
    })
    .await;
    h.close().await;
}

/// Issue 11: at phone size, typing a crisis line in the journal or the workbook brings the help
/// panel into view at the top of the screen, without scrolling, with a number to tap.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn crisis_help_comes_into_view_at_phone_size() {
    let h = Harness::start("phone-crisis", true).await;
    h.step("a phone-sized window", || async {
        h.client
            .set_window_size(390, 844)
            .await
            .map_err(err("window size"))
    })
    .await;
    // The panel's box, in the viewport's coordinates, and the viewport's height.
    let in_view = || async {
        let r = h
            .client
            .execute(
                "const p = document.querySelector('#safety-live .safety-panel'); \
                 if (!p) { return null; } const b = p.getBoundingClientRect(); \
                 return [b.top, b.bottom, window.innerHeight, \
                         p.querySelectorAll('a.call[href^=\"tel:\"]').length];",
                vec![],
            )
            .await
            .map_err(err("panel position"))?;
        let v: Vec<f64> = r
            .as_array()
            .map(|a| a.iter().filter_map(|x| x.as_f64()).collect())
            .unwrap_or_default();
        match v.as_slice() {
            [top, bottom, height, calls]
                if *top >= 0.0 && *top < 40.0 && *bottom > *top && *top < *height =>
            {
                if *calls < 1.0 {
                    Err("the panel has no number to tap".to_string())
                } else {
                    Ok(())
                }
            }
            _ => Err(format!(
                "the help panel is not at the top of the screen: {r}"
            )),
        }
    };
    for (page, field) in [("/journal", "#text"), ("/workbook", "#wb-loss-text")] {
        h.step(page, || async {
            h.goto(page).await?;
            // Open the part's form if it is folded away (a part already written), and scroll
            // down to the box, as a person typing on a phone would be.
            let script = format!(
                "const t = document.querySelector('{field}'); const d = t.closest('details'); \
                 if (d) {{ d.open = true; }} t.scrollIntoView({{block: 'center'}});"
            );
            h.client
                .execute(&script, vec![])
                .await
                .map_err(err("scroll"))?;
            let el = h
                .client
                .find(Locator::Css(field))
                .await
                .map_err(err(field))?;
            el.send_keys(
                "some nights I think everyone would be better off if I was not alive any more",
            )
            .await
            .map_err(err(field))?;
            let deadline = Instant::now() + Duration::from_secs(15);
            loop {
                match in_view().await {
                    Ok(()) => break,
                    Err(e) if Instant::now() > deadline => return Err(e),
                    Err(_) => tokio::time::sleep(Duration::from_millis(200)).await,
                }
            }
            h.axe(&format!("{page} with the help panel")).await
        })
        .await;
    }
    h.close().await;
}
