//! `cargo xtask bench` (criterion): bot reply time on the demo site and on a generated
//! 1,000-intent rule set, load and compile time, and article search over 1,000 articles.
//! Results are recorded in docs/benchmarks.md.

use criterion::{criterion_group, criterion_main, BatchSize, Criterion};
use handoff_bot::load::{load, File};
use handoff_bot::Engine;
use std::hint::black_box;
use std::path::Path;

const LOCALES: [&str; 6] = ["en", "de", "cs", "bg", "pt", "tl"];

/// Deterministic pseudo-words so the generated site has a realistic, large vocabulary.
struct Words(u64);

impl Words {
    fn next(&mut self) -> String {
        const SYL: [&str; 24] = [
            "ka", "lo", "mi", "ste", "ber", "zu", "no", "ra", "vel", "ti", "pra", "go", "sha", "den", "ku",
            "mar", "ol", "bri", "tse", "an", "pe", "dro", "chu", "lin",
        ];
        let mut w = String::new();
        let n = 2 + (self.step() % 3) as usize;
        for _ in 0..n {
            w.push_str(SYL[(self.step() % SYL.len() as u64) as usize]);
        }
        w
    }
    fn step(&mut self) -> u64 {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        self.0 >> 33
    }
}

fn localized(text: &str) -> String {
    let parts: Vec<String> = LOCALES.iter().map(|l| format!("{l} = \"{text} ({l})\"")).collect();
    format!("{{ {} }}", parts.join(", "))
}

/// A site with `intents` intents (three patterns per locale each) and `articles` articles per
/// locale, as content files.
fn generated_site(intents: usize, articles: usize) -> Vec<File> {
    let mut w = Words(7);
    let names = localized("Name");
    let site = format!(
        "[site]\nkey = \"gen\"\nname = \"Generated\"\nlocales = {LOCALES:?}\ndefault_locale = \"en\"\ndefault_department = \"d0\"\n\
         default_priority = \"normal\"\npriorities = [\"low\", \"normal\", \"high\"]\ngreeting = {names}\n\
         [[department]]\nid = \"d0\"\nname = {names}\n[[department]]\nid = \"d1\"\nname = {names}\n\
         [[tier]]\nid = \"bot\"\nname = {names}\n[[tier]]\nid = \"agent\"\nname = {names}\n\
         [[category]]\nid = \"c0\"\nname = {names}\n"
    );
    let mut rules = String::new();
    for i in 0..intents {
        rules.push_str(&format!(
            "[[intent]]\nid = \"i{i}\"\ndepartment = \"d{}\"\nanswer = {}\n[intent.patterns]\n",
            i % 2,
            localized("Answer")
        ));
        for l in LOCALES {
            let p: Vec<String> = (0..3).map(|_| format!("\"{} * {}\"", w.next(), w.next())).collect();
            rules.push_str(&format!("{l} = [{}]\n", p.join(", ")));
        }
    }
    let mut files: Vec<File> = vec![("site.toml".into(), site), ("rules/gen.toml".into(), rules)];
    for l in LOCALES {
        for a in 0..articles {
            let body: Vec<String> = (0..120).map(|_| w.next()).collect();
            let tags: Vec<String> = (0..4).map(|_| format!("\"{}\"", w.next())).collect();
            files.push((
                format!("articles/{l}/a{a}.md"),
                format!(
                    "+++\nid = \"a{a}\"\ntitle = \"{} {} {}\"\ncategory = \"c0\"\ntags = [{}]\nlocale = \"{l}\"\n+++\n{}\n",
                    w.next(),
                    w.next(),
                    w.next(),
                    tags.join(", "),
                    body.join(" ")
                ),
            ));
        }
    }
    files
}

fn demo_files() -> Vec<File> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../content/demo");
    handoff_bot::fs::read_folder(&dir).expect("read content/demo")
}

fn engine(files: &[File]) -> Engine {
    Engine::new(load(files).expect("valid content")).expect("compiles")
}

fn bench_reply(c: &mut Criterion) {
    let demo = engine(&demo_files());
    let messages = [
        ("en", "Hi, where is my order? I ordered a tent last week"),
        ("de", "Ich möchte meine Jacke zurückschicken, sie ist zu klein"),
        ("cs", "kdy mi prijdou penize za vracene boty"),
        ("bg", "Как мога да платя с карта?"),
        ("pt", "não consigo entrar na minha conta, esqueci a senha"),
        ("tl", "magkano po ang shipping papuntang Cebu"),
    ];
    c.bench_function("reply/demo (6 messages, one per locale)", |b| {
        b.iter_batched(
            || messages.iter().map(|(l, m)| (demo.start(l).0, *m)).collect::<Vec<_>>(),
            |mut convs| {
                for (conv, m) in convs.iter_mut() {
                    black_box(demo.reply(conv, m));
                }
            },
            BatchSize::SmallInput,
        )
    });
    // The worst inputs the composer accepts (1,000 characters; the engine is bounded up to
    // 4,000): one long word, many distinct misspellable words, pasted mixed scripts. Each is a
    // reply in a new conversation that is not understood, so the article search runs too.
    let mut w = Words(11);
    let long_word: String = (0..200).map(|_| w.next()).collect::<String>().chars().take(1000).collect();
    let many_words: String = (0..60).map(|_| format!("{}{} ", w.next(), w.next())).collect();
    let mixed: String =
        "začátek поръчка λόγος 中文字 عربي देवनागरी 😀 Rückerstattung ".chars().cycle().take(4000).collect();
    for (name, text) in [
        ("a 1,000-character word", long_word),
        ("1,000 characters of distinct long words", many_words.chars().take(1000).collect()),
        ("4,000 characters of mixed scripts", mixed),
    ] {
        c.bench_function(&format!("reply/worst input: {name}"), |b| {
            b.iter_batched(
                || demo.start("en").0,
                |mut conv| black_box(demo.reply(&mut conv, &text)),
                BatchSize::SmallInput,
            )
        });
    }
    let big_files = generated_site(1000, 10);
    let big = engine(&big_files);
    let rules = &big_files[1].1;
    // A message made of words that really occur in the rules, plus noise and a typo.
    let words: Vec<&str> =
        rules.split('"').filter(|s| s.contains(" * ")).take(400).flat_map(|p| p.split(" * ")).collect();
    let msg = format!("hello {} and {} {}x with noise words here", words[17], words[301], words[555]);
    c.bench_function("reply/1000 intents x 6 locales (18,000 patterns)", |b| {
        b.iter_batched(
            || big.start("en").0,
            |mut conv| black_box(big.reply(&mut conv, &msg)),
            BatchSize::SmallInput,
        )
    });
}

fn bench_load(c: &mut Criterion) {
    let demo = demo_files();
    c.bench_function("load+check/demo", |b| b.iter(|| black_box(load(&demo).expect("valid"))));
    let demo_site = load(&demo).expect("valid");
    c.bench_function("compile/demo", |b| {
        b.iter(|| black_box(Engine::new(demo_site.clone()).expect("compiles")))
    });
    let bundle = handoff_bot::bundle::encode(&demo_site);
    c.bench_function("bundle->engine/demo (what the widget does on load)", |b| {
        b.iter(|| black_box(handoff_bot::engine_from_bundle(&bundle).expect("compiles")))
    });
    let big = generated_site(1000, 0);
    let mut g = c.benchmark_group("big");
    g.sample_size(10);
    g.bench_function("load+check/1000 intents", |b| b.iter(|| black_box(load(&big).expect("valid"))));
    let site = load(&big).expect("valid");
    g.bench_function("compile/1000 intents", |b| {
        b.iter(|| black_box(Engine::new(site.clone()).expect("compiles")))
    });
    g.finish();
}

fn bench_search(c: &mut Criterion) {
    let files = generated_site(20, 1000);
    let e = engine(&files);
    let sample = &files[2].1; // an article: search for two of its body words and a prefix
    let body: Vec<&str> = sample.lines().last().unwrap_or("").split(' ').collect();
    let query = format!("{} {}", body[3], &body[40][..body[40].len().min(4)]);
    c.bench_function("search/1000 articles (per locale), 2 words with prefix", |b| {
        b.iter(|| black_box(e.search("en", &query, 8)))
    });
    let demo = engine(&demo_files());
    c.bench_function("search/demo \"vraceni penez\" (cs)", |b| {
        b.iter(|| black_box(demo.search("cs", "vraceni penez", 8)))
    });
}

criterion_group!(benches, bench_reply, bench_load, bench_search);
criterion_main!(benches);
