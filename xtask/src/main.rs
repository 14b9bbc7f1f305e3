//! `cargo xtask <command>`: Handoff's build orchestration (std + anyhow + brotli, no clap).

mod api_fuzz;
mod bench;
mod cluster;
mod cmd;
mod console;
mod demo_mail;
mod desk;
mod dist;
mod embed_bench;
mod frame_page;
mod glue;
mod imports;
mod postgres;
mod precompress;
mod screenshot;
mod serve;
mod sizes;
mod test;
mod tools;

use std::process::ExitCode;

const HELP: &str = "\
cargo xtask <command>

  setup                 install what is missing: wasm32 target, wasm-bindgen-cli 0.2.130,
                        trunk 0.21.14, chromium, chromedriver, binaryen (wasm-opt), postgresql,
                        nginx; finds PostgreSQL for the tests (HANDOFF_TEST_DATABASE_URL, else
                        127.0.0.1:5432, else a private cluster in target/pg-test on port 55432)
  dist                  setup, check + release build of the widget into pkg/, export the demo
                        site to pkg/sites/demo/<locale>.bundle, print what a visitor downloads
                        after the click (raw/brotli, budget 140 KiB), then the agent console
                        into pkg/console/
  run [--postgres]      dist, then the desk with the demo site (demo agents seeded), serving
                        pkg/ on http://127.0.0.1:8080/ and the console on /console/
                        (HANDOFF_PORT overrides); --postgres: on PostgreSQL (database
                        handoff_demo on the server setup found or started)
  seed-demo [--force]   write 120 days of demo history (six languages) into the demo desk's
                        data (target/desk-demo/) for the Insights page; nothing if it is
                        there already (`run` does this on first run), --force rewrites it
  mail [N]              the demo's mailbox (target/desk-demo/mailbox, what `run` sends): the
                        list, or mail N as text
  serve [DIR]           serve pkg/ (or DIR) as it is, without building
  test                  the whole suite (.ci/run calls exactly this)
  postgres              only find or start PostgreSQL for the tests (as setup does), drop stale
                        test databases, print its admin URL (last line), for
                        HANDOFF_TEST_ENGINE=postgres cargo test -p handoff-desk --tests by hand
  api-fuzz [RUN...]     Schemathesis against a live demo desk with every check, unauthenticated,
                        as a customer, an agent, a supervisor and a manager (a step of `test`);
                        RUN names some of those runs
  e2e [--nginx-postgres]
                        build the agent console, then only its Playwright tests;
                        --nginx-postgres: only the handoff journey (widget -> console reply ->
                        restart), through nginx (docs/nginx-desk.conf) in front of two desks
                        on a fresh PostgreSQL database, one instance SIGKILLed and restarted
  bench [ARGS...]       cargo bench -p handoff-bot [ARGS...], then the bundle sizes, then the
                        desk load test (without ARGS)
  bench desk [--postgres [--instances N]]
                        only the desk load test: 10,000 SSE streams held, 1,000 messages/s;
                        --postgres: on a fresh database (bench_<random>, dropped afterwards) on
                        the server the tests use, N desk processes on it, every measured
                        message crossing instances
  bench insights [--postgres]
                        only the insights over 100,000 conversations (SQLite or PostgreSQL)
  screenshot URL OUT.png [--width W] [--height H]
                        headless Chromium screenshot of a page (default 1280x800)
";

fn main() -> ExitCode {
    cmd::init_env();
    let args: Vec<String> = std::env::args().skip(1).collect();
    let rest = args.get(1..).unwrap_or(&[]);
    let result = match args.first().map(String::as_str) {
        Some("setup") => tools::setup(),
        Some("dist") => dist::dist().map(|_| ()),
        Some("run") => dist::dist().and_then(|_| desk::run_desk(rest)),
        Some("seed-demo") => desk::seed_demo(rest),
        Some("mail") => demo_mail::show(rest),
        Some("serve") => match rest.first() {
            Some(dir) => serve::serve_dir(std::path::Path::new(dir)),
            None => serve::serve_pkg(),
        },
        Some("test") => return test::test(),
        Some("postgres") => postgres::print_admin_url(),
        Some("e2e") => match rest {
            [] => console::build().and_then(|_| console::e2e()),
            [flag] if flag == "--nginx-postgres" => console::build().and_then(|_| cluster::e2e()),
            _ => Err(anyhow::anyhow!("usage: cargo xtask e2e [--nginx-postgres]")),
        },
        Some("api-fuzz") => tools::setup().and_then(|_| api_fuzz::api_fuzz_runs(rest)),
        Some("bench") => bench::bench(rest),
        Some("screenshot") => screenshot::screenshot(rest),
        Some("help" | "-h" | "--help") | None => {
            print!("{HELP}");
            return ExitCode::SUCCESS;
        }
        Some(other) => {
            eprint!("xtask: unknown command `{other}`\n\n{HELP}");
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("xtask: error: {e:#}");
            ExitCode::FAILURE
        }
    }
}
