//! `handoff-bot`: check, test, chat with and export a content folder.

use handoff_bot::{dialog, load, Engine, Problem, Site, Turn};
use std::io::{BufRead, Write};
use std::path::Path;
use std::process::ExitCode;

const USAGE: &str = "usage:
  handoff-bot check <content-dir> [--gaps <file.jsonl>]
                                                        validate everything, report every problem;
                                                        with --gaps, group the unmatched customer
                                                        messages in the file into content gaps
  handoff-bot test <content-dir>                        run the dialog tests in <content-dir>/tests
  handoff-bot chat <content-dir> [--locale L] [--json]  talk to the bot (stdin, one message per line)
  handoff-bot eval <content-dir> --set <file.tsv>        measure the bot on questions (locale, question,
                                                        expected intent or article id or '-'):
                                                        right first, first three, no-answer
                                                        accuracy per locale, and the confusions
  handoff-bot export <content-dir> --out <folder>       write the bundles the widget loads, one
                                                        per locale: <folder>/<locale>.bundle";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("check") => with_dir(&args, |dir| check(dir, &args)),
        Some("test") => with_dir(&args, test),
        Some("chat") => with_dir(&args, |dir| chat(dir, &args)),
        Some("export") => with_dir(&args, |dir| export(dir, &args)),
        Some("eval") => with_dir(&args, |dir| eval(dir, &args)),
        _ => {
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(msg) => {
            eprintln!("{msg}");
            ExitCode::FAILURE
        }
    }
}

fn with_dir(args: &[String], f: impl FnOnce(&Path) -> Result<(), String>) -> Result<(), String> {
    match args.get(1) {
        Some(d) if !d.starts_with("--") => f(Path::new(d)),
        _ => Err(format!("missing <content-dir>\n{USAGE}")),
    }
}

fn flag<'a>(args: &'a [String], name: &str) -> Option<&'a str> {
    args.iter().position(|a| a == name).and_then(|i| args.get(i + 1)).map(String::as_str)
}

fn read_dir(dir: &Path) -> Result<Vec<load::File>, String> {
    handoff_bot::fs::read_folder(dir)
}

fn report(dir: &Path, problems: &[Problem]) -> String {
    let mut s = String::new();
    for p in problems {
        s.push_str(&format!("{}/{}\n", dir.display(), p).replace("//", "/"));
    }
    s.push_str(&format!("{} problem{} found", problems.len(), if problems.len() == 1 { "" } else { "s" }));
    s
}

fn load_site(dir: &Path) -> Result<(Site, Vec<load::File>), String> {
    let files = read_dir(dir)?;
    let site = load::load(&files).map_err(|p| report(dir, &p))?;
    Ok((site, files))
}

fn compile(dir: &Path, site: Site) -> Result<Engine, String> {
    Engine::new(site).map_err(|p| report(dir, &p))
}

fn check(dir: &Path, args: &[String]) -> Result<(), String> {
    let (site, files) = load_site(dir)?;
    let (intents, articles, locales) =
        (site.intents.len(), site.articles.len(), site.settings.site.locales.len());
    let engine = compile(dir, site)?;
    // Dialog test files must at least be readable; whether they pass is `test`'s job.
    dialog::run(&engine, &files).map_err(|p| report(dir, &p))?;
    println!("{}: ok: {intents} intents, {articles} articles, {locales} locales", dir.display());
    match flag(args, "--gaps") {
        Some(file) if !file.starts_with("--") => gaps(&engine, file),
        _ if args.iter().any(|a| a == "--gaps") => {
            Err(format!("--gaps needs a file of unmatched messages\n{USAGE}"))
        }
        _ => Ok(()),
    }
}

/// `check --gaps`: the unmatched messages grouped into topics, the costliest first.
fn gaps(engine: &Engine, file: &str) -> Result<(), String> {
    let text = std::fs::read_to_string(file).map_err(|e| format!("{file}: {e}"))?;
    let messages = handoff_bot::gaps::parse(file, &text).map_err(|problems| {
        let mut s: Vec<String> = problems.iter().map(|p| p.to_string()).collect();
        s.push(format!("{} problem{} found", problems.len(), if problems.len() == 1 { "" } else { "s" }));
        s.join("\n")
    })?;
    let report = handoff_bot::gaps::find(engine, &messages);
    println!(
        "\ngaps in {file}: {} messages, {} answered by the content now, {} asking for a person, {} gap{}:",
        report.total,
        report.answered_now,
        report.asked_for_person,
        report.gaps.len(),
        if report.gaps.len() == 1 { "" } else { "s" }
    );
    for (i, g) in report.gaps.iter().enumerate() {
        println!(
            "{:>3}. [{}] {}: {} message{}, {} handed to a person",
            i + 1,
            g.locale,
            g.words.join(", "),
            g.messages,
            if g.messages == 1 { "" } else { "s" },
            g.handoffs
        );
        for (text, conv) in &g.examples {
            match conv {
                Some(c) => println!("       \"{text}\" ({c})"),
                None => println!("       \"{text}\""),
            }
        }
    }
    Ok(())
}

/// `eval`: the figures of `handoff_bot::eval` for a question set.
fn eval(dir: &Path, args: &[String]) -> Result<(), String> {
    let file = flag(args, "--set").filter(|f| !f.starts_with("--")).ok_or("eval needs --set <file.tsv>")?;
    let (site, _) = load_site(dir)?;
    let text = std::fs::read_to_string(file).map_err(|e| format!("{file}: {e}"))?;
    let lines =
        |problems: Vec<Problem>| problems.iter().map(|p| p.to_string()).collect::<Vec<_>>().join("\n");
    let cases = handoff_bot::eval::parse(file, &text).map_err(lines)?;
    handoff_bot::eval::check(&site, file, &cases).map_err(lines)?;
    // Each locale's bundle is compiled on its own, as the widget does.
    let report = handoff_bot::eval::run(&site, &cases).map_err(|p| report(dir, &p))?;
    print!("{}", report.render());
    Ok(())
}

fn test(dir: &Path) -> Result<(), String> {
    let (site, files) = load_site(dir)?;
    let engine = compile(dir, site)?;
    let outcomes = dialog::run(&engine, &files).map_err(|p| report(dir, &p))?;
    let (mut passed, mut failed) = (0, 0);
    for o in &outcomes {
        if o.passed() {
            passed += 1;
            println!("ok    {}:{}  {}", o.file, o.line, o.name);
        } else {
            failed += 1;
            println!("FAIL  {}:{}  {}", o.file, o.line, o.name);
            for f in &o.failures {
                println!("        {f}");
            }
        }
    }
    let turns: usize = outcomes.iter().map(|o| o.turns).sum();
    println!("{} dialogs, {turns} turns", outcomes.len());
    println!("dialogs: {passed} passed, {failed} failed");
    if outcomes.is_empty() {
        return Err(format!("{}: no dialog tests (tests/*.toml)", dir.display()));
    }
    if failed > 0 {
        return Err(format!("{failed} dialog test{} failed", if failed == 1 { "" } else { "s" }));
    }
    Ok(())
}

/// One bundle per locale (`<out>/<locale>.bundle`, see `handoff_bot::split`), after every check
/// and a compile of the whole site: nothing invalid reaches a visitor. Each bundle is also read
/// back and compiled the way the widget will, so a fault in the split fails here, not in a
/// browser.
fn export(dir: &Path, args: &[String]) -> Result<(), String> {
    let out = flag(args, "--out").filter(|o| !o.starts_with("--")).ok_or("export needs --out <folder>")?;
    if out.ends_with(".bundle") {
        return Err(format!(
            "--out {out}: export writes one bundle per locale into a folder (e.g. --out pkg/sites/demo)"
        ));
    }
    let (site, _) = load_site(dir)?;
    let bundles: Vec<(String, String)> = handoff_bot::split::per_locale(&site)
        .iter()
        .map(|(locale, part)| (locale.clone(), handoff_bot::bundle::encode(part)))
        .collect();
    compile(dir, site)?;
    for (locale, text) in &bundles {
        handoff_bot::engine_from_bundle(text).map_err(|p| report(dir, &p))?;
        if !handoff_bot::bundle::decode::<Site>(text).is_ok_and(|s| s.has_content(locale)) {
            return Err(format!("{locale}: the exported bundle lacks its own locale's content"));
        }
    }
    std::fs::create_dir_all(out).map_err(|e| format!("{out}: {e}"))?;
    for (locale, text) in &bundles {
        let file = Path::new(out).join(format!("{locale}.bundle"));
        std::fs::write(&file, text).map_err(|e| format!("{}: {e}", file.display()))?;
        println!("wrote {} ({} bytes)", file.display(), text.len());
    }
    Ok(())
}

fn chat(dir: &Path, args: &[String]) -> Result<(), String> {
    let json = args.iter().any(|a| a == "--json");
    let (site, _) = load_site(dir)?;
    let engine = compile(dir, site)?;
    let locale = flag(args, "--locale").unwrap_or(&engine.site().settings.site.default_locale).to_string();
    if !engine.site().settings.site.locales.contains(&locale) {
        return Err(format!(
            "--locale {locale}: the site supports {}",
            engine.site().settings.site.locales.join(", ")
        ));
    }
    let (mut conv, greeting) = engine.start(&locale);
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    if !json {
        writeln!(out, "bot> {}", greeting.text).map_err(|e| e.to_string())?;
        writeln!(out, "(type a message; /unhelpful <article-id>, /back to hand back, Ctrl-D to quit)")
            .map_err(|e| e.to_string())?;
    }
    for line in std::io::stdin().lock().lines() {
        let line = line.map_err(|e| e.to_string())?;
        if line.trim().is_empty() {
            continue;
        }
        let turn = if let Some(article) = line.strip_prefix("/unhelpful ") {
            engine.article_unhelpful(&mut conv, article.trim())
        } else if line.trim() == "/back" {
            let r = engine.hand_back(&mut conv);
            Turn { replies: vec![r], ..Default::default() }
        } else {
            engine.reply(&mut conv, &line)
        };
        if json {
            let v = serde_json::json!({
                "input": line,
                "intent": turn.intent.as_ref().map(|s| &s.intent),
                "confidence": turn.intent.as_ref().map(|s| s.confidence),
                "answer": turn.replies.iter().map(|r| r.text.as_str()).collect::<Vec<_>>().join("\n"),
                "replies": turn.replies,
                "handoff": turn.handoff,
                "silent": turn.silent,
                "slots": conv.slots,
            });
            writeln!(out, "{v}").map_err(|e| e.to_string())?;
        } else {
            print_turn(&mut out, &turn).map_err(|e| e.to_string())?;
        }
        out.flush().map_err(|e| e.to_string())?;
    }
    Ok(())
}

fn print_turn(out: &mut impl Write, turn: &Turn) -> std::io::Result<()> {
    if let Some(s) = &turn.intent {
        writeln!(out, "      [intent {} {:.2}]", s.intent, s.confidence)?;
    }
    for r in &turn.replies {
        writeln!(out, "bot> {}", r.text)?;
        for q in &r.quick_replies {
            writeln!(out, "      [button] {}", q.label)?;
        }
        for a in &r.articles {
            writeln!(out, "      [article] {a}")?;
        }
    }
    if let Some(h) = &turn.handoff {
        writeln!(
            out,
            "      [handoff reason={} department={} tier={} priority={}: {}]",
            h.reason.as_str(),
            h.department,
            h.tier,
            h.priority,
            h.detail
        )?;
    }
    if turn.silent {
        writeln!(out, "      [bot silent: a person has the conversation]")?;
    }
    Ok(())
}
