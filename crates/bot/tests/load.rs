//! The content checker: every problem, with file, line and a plain explanation.

mod fixture;

use handoff_bot::load::{load, File};

fn problems(files: &[File]) -> Vec<String> {
    match load(files) {
        Ok(_) => vec![],
        Err(p) => p.iter().map(|p| p.to_string()).collect(),
    }
}

fn with_rules(rules: &str) -> Vec<File> {
    let mut f = fixture::files();
    f[1].1 = rules.to_string();
    f
}

#[test]
fn the_fixture_is_valid() {
    assert_eq!(problems(&fixture::files()), Vec::<String>::new());
}

#[test]
fn unknown_department_names_file_line_and_the_known_ones() {
    let rules = fixture::RULES.replacen("department = \"billing\"", "department = \"biling\"", 1);
    let p = problems(&with_rules(&rules));
    assert_eq!(p.len(), 1, "{p:?}");
    let line = rules.lines().position(|l| l.contains("\"biling\"")).unwrap() + 1;
    assert_eq!(
        p[0],
        format!(
            "rules/main.toml:{line}: intent 'refund': unknown department 'biling' (known: orders, billing)"
        )
    );
}

#[test]
fn bad_pattern_is_explained() {
    let rules = fixture::RULES.replacen("\"refund*\"", "\"re*\"", 1);
    let p = problems(&with_rules(&rules));
    assert_eq!(p.len(), 1, "{p:?}");
    assert!(p[0].contains("bad pattern 're*' (en)") && p[0].contains("at least 3 letters"), "{}", p[0]);
    let line = rules.lines().position(|l| l.contains("\"re*\"")).unwrap() + 1;
    assert!(p[0].starts_with(&format!("rules/main.toml:{line}:")), "{}", p[0]);
}

#[test]
fn missing_translations_are_reported_per_locale() {
    let rules = fixture::RULES.replacen("patterns.tl = [\"refund\", \"ibalik * pera\"]\n", "", 1).replacen(
        ", tl = \"5 araw ang refund.\"",
        "",
        1,
    );
    let p = problems(&with_rules(&rules));
    assert_eq!(p.len(), 2, "{p:?}");
    assert!(p.iter().any(|m| m.contains("intent 'refund': patterns: missing translation for 'tl'")), "{p:?}");
    assert!(p.iter().any(|m| m.contains("intent 'refund': answer: missing translation for 'tl'")), "{p:?}");
}

#[test]
fn duplicate_ids_point_at_both_places() {
    let rules = format!(
        "{}\n[[intent]]\nid = \"refund\"\ndepartment = \"orders\"\npatterns = {{ en = [\"x\"] }}\n",
        fixture::RULES
    );
    let p = problems(&with_rules(&rules));
    let dup: Vec<&String> = p.iter().filter(|m| m.contains("duplicate intent id 'refund'")).collect();
    assert_eq!(dup.len(), 1, "{p:?}");
    assert!(dup[0].contains("first defined at rules/main.toml:"), "{}", dup[0]);
}

#[test]
fn unknown_keys_and_syntax_errors_name_the_line() {
    let rules = fixture::RULES.replacen("department = \"billing\"", "departmnet = \"billing\"", 1);
    let p = problems(&with_rules(&rules));
    assert_eq!(p.len(), 1, "{p:?}");
    assert!(p[0].starts_with("rules/main.toml:") && p[0].contains("departmnet"), "{}", p[0]);

    let p = problems(&with_rules("[[intent]]\nid = = \"x\"\n"));
    assert_eq!(p.len(), 1, "{p:?}");
    assert!(p[0].starts_with("rules/main.toml:2:"), "{}", p[0]);
}

#[test]
fn articles_are_checked_for_translations_categories_and_front_matter() {
    let mut f = fixture::files();
    f.retain(|(p, _)| p != "articles/bg/track.md");
    f[2].1 = f[2].1.replace("category = \"shipping\"", "category = \"shiping\"");
    f.push(("articles/de/broken.md".into(), "no front matter".into()));
    let p = problems(&f);
    assert!(
        p.iter()
            .any(|m| m
                == "articles/en/track.md:4: unknown category 'shiping' (not a [[category]] in site.toml)"),
        "{p:?}"
    );
    assert!(
        p.iter().any(|m| m.starts_with("articles/bg/track.md: missing translation: article 'track'")),
        "{p:?}"
    );
    assert!(
        p.iter().any(|m| m.starts_with("articles/de/broken.md:1: an article starts with front matter")),
        "{p:?}"
    );
}

#[test]
fn site_settings_are_checked() {
    let mut f = fixture::files();
    f[0].1 = f[0]
        .1
        .replace("default_department = \"orders\"", "default_department = \"sales\"")
        .replace("first_tier = \"agent\"", "first_tier = \"bot\"");
    let p = problems(&f);
    assert!(p.iter().any(|m| m.contains("default_department 'sales' is not a [[department]]")), "{p:?}");
    assert!(p.iter().any(|m| m.contains("first_tier 'bot' must be a tier above")), "{p:?}");
}

#[test]
fn undefined_slot_in_an_answer_is_reported() {
    let rules = fixture::RULES.replacen("Refunds take 5 days.", "Refund for {order_number} takes 5 days.", 1);
    let p = problems(&with_rules(&rules));
    assert_eq!(p.len(), 1, "{p:?}");
    assert!(
        p[0].contains("uses {order_number}, but no step of this intent fills 'order_number'"),
        "{}",
        p[0]
    );
}

#[test]
fn the_demo_content_is_valid_and_complete() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../content/demo");
    let files = handoff_bot::fs::read_folder(&dir).expect("read content/demo");
    let site = load(&files)
        .unwrap_or_else(|p| panic!("{}", p.iter().map(|p| p.to_string()).collect::<Vec<_>>().join("\n")));
    assert!(site.intents.len() >= 20, "at least 20 intents, got {}", site.intents.len());
    for l in ["en", "de", "cs", "bg", "pt", "tl"] {
        let n = site.articles.iter().filter(|a| a.locale == l).count();
        assert!(n >= 12, "at least 12 articles in {l}, got {n}");
    }
}
