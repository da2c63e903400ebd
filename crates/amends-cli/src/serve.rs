//! `amends serve`: the local web app, the main way people use amends.

use std::io::Write;
use std::net::IpAddr;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use amends_app::{App, demo};
use amends_web::{DEFAULT_PORT, DemoInfo, Options, TempDirGuard};
use anyhow::Result;
use clap::Args;
use jiff::Timestamp;

use crate::records::Ctx;

#[derive(Args, Debug)]
pub struct ServeArgs {
    /// The port to listen on.
    #[arg(long, default_value_t = DEFAULT_PORT)]
    pub port: u16,
    /// The address to listen on. Anything but loopback needs --allow-remote.
    #[arg(long, default_value = "127.0.0.1")]
    pub bind: IpAddr,
    /// Allow listening on an address other computers can reach. Your notes would be one
    /// passphrase away from anyone on that network.
    #[arg(long)]
    pub allow_remote: bool,
    /// Start on a throwaway folder filled with a made-up sample case, already unlocked.
    #[arg(long)]
    pub demo: bool,
    /// Lock after this many minutes without activity.
    #[arg(long, default_value_t = 15, value_name = "MINUTES", value_parser = clap::value_parser!(u64).range(1..=1440))]
    pub lock_after: u64,
}

pub async fn run(ctx: &Ctx, args: &ServeArgs) -> Result<ExitCode> {
    let mut opts = Options::local(ctx.data_dir.clone());
    opts.port = args.port;
    opts.bind = args.bind;
    opts.allow_remote = args.allow_remote;
    opts.idle_lock = Duration::from_secs(args.lock_after * 60);
    if args.allow_remote && !args.bind.is_loopback() {
        eprintln!(
            "warning: listening on {}: other computers on this network can reach amends. Your \
             notes are protected only by your passphrase there.",
            args.bind
        );
    }
    let demo_info = if args.demo {
        let dir = demo::demo_dir();
        let guard = Arc::new(TempDirGuard(dir.clone()));
        let app = demo::create(&dir, Timestamp::now()).await?;
        app.close().await;
        opts.data_dir = dir;
        Some(DemoInfo {
            passphrase: demo::DEMO_PASSPHRASE.to_string(),
            _dir: guard,
        })
    } else {
        None
    };
    let fresh = !App::exists(&opts.data_dir);
    let is_demo = demo_info.is_some();
    amends_web::serve(opts, demo_info, |addr| {
        let mut out = std::io::stdout().lock();
        let _ = writeln!(out, "amends is running at http://{addr}/");
        if is_demo {
            let _ = writeln!(
                out,
                "Demo mode: a made-up case on a throwaway folder, deleted when you stop."
            );
        } else if fresh {
            let _ = writeln!(out, "Open it in your browser to set up your passphrase.");
        } else {
            let _ = writeln!(
                out,
                "Open it in your browser and unlock with your passphrase."
            );
        }
        let _ = writeln!(out, "Press Ctrl-C to stop.");
        let _ = out.flush();
    })
    .await?;
    Ok(ExitCode::SUCCESS)
}
