//! The widget page: what the embed loader's iframe (`/widget/<site>`) and the full-page portal
//! (`/help/<site>`) show, built from Trunk's index.html. Plain std on purpose: `cargo xtask
//! dist` compiles this same file (xtask/src/frame_page.rs) to weigh the page every visitor
//! downloads after the click against the budget.

use super::scripts::PRELOAD_JS;

/// How the widget page is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Inside the loader's iframe: opened at once, filling the frame, no own launcher.
    Frame,
    /// The full-page help portal at /help/<site>.
    Page,
}

impl Mode {
    fn as_str(self) -> &'static str {
        match self {
            Mode::Frame => "frame",
            Mode::Page => "page",
        }
    }
}

/// What goes into one widget page.
pub struct PageSpec<'a> {
    pub site: &'a str,
    pub mode: Mode,
    /// The embedding page's origin (frame mode): the only target of postMessage.
    pub host_origin: Option<&'a str>,
    pub locale: Option<&'a str>,
    pub department: Option<&'a str>,
    /// The site's locales and its default: the widget and embed/preload.js pick the visitor's
    /// bundle from them before any bundle has arrived.
    pub locales: &'a [String],
    pub default_locale: &'a str,
    /// The desk sends mail (`[smtp]`): the widget offers a copy of the chat by e-mail.
    pub mail: bool,
}

/// The parts of Trunk's index.html the widget page needs: the inline module script that starts
/// the wasm, and the stylesheet / preload links of the hashed assets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrunkAssets {
    pub script: String,
    pub links: Vec<String>,
}

impl TrunkAssets {
    /// Reads Trunk's output as written (`type="module"`) or minified (`type=module`, Trunk's
    /// `minify`, which the release build uses for the stylesheet and which also unquotes the
    /// page's attributes).
    pub fn from_index(html: &str) -> Option<TrunkAssets> {
        let open = ["<script type=\"module\">", "<script type=module>"];
        let start = open.iter().find_map(|o| html.find(o).map(|i| i + o.len()))?;
        let end = start + html[start..].find("</script>")?;
        let script = html[start..end].to_string();
        let mut links = Vec::new();
        let mut rest = html;
        while let Some(i) = rest.find("<link ") {
            let tail = &rest[i..];
            let Some(j) = tail.find('>') else { break };
            let tag = &tail[..=j];
            let wanted = ["stylesheet", "modulepreload", "preload"];
            if wanted.iter().any(|w| has_attr(tag, "rel", w))
                && attr_value(tag, "href").is_some_and(|h| h.starts_with('/'))
            {
                links.push(tag.to_string());
            }
            rest = &tail[j..];
        }
        Some(TrunkAssets { script, links })
    }
}

/// The value of `name=` in one tag, quoted or not.
fn attr_value<'a>(tag: &'a str, name: &str) -> Option<&'a str> {
    let at = tag.find(&format!(" {name}="))? + name.len() + 2;
    let rest = &tag[at..];
    match rest.strip_prefix('"') {
        Some(quoted) => quoted.split('"').next(),
        None => rest.split([' ', '>']).next().map(|v| v.trim_end_matches('/')),
    }
}

fn has_attr(tag: &str, name: &str, value: &str) -> bool {
    attr_value(tag, name) == Some(value)
}

fn attr(value: &str) -> String {
    value.replace('&', "&amp;").replace('"', "&quot;").replace('<', "&lt;").replace('>', "&gt;")
}

/// The widget page: Trunk's assets, the frame helpers, one root div (read by src/lib.rs) and
/// the bundle preload right after it (it reads the root's attributes).
pub fn page(assets: &TrunkAssets, spec: &PageSpec) -> String {
    let mut root = format!(
        "<div id=\"handoff-root\" data-site=\"/sites/{}\" data-locales=\"{}\" data-default-locale=\"{}\" data-mode=\"{}\"",
        attr(spec.site),
        attr(&spec.locales.join(" ")),
        attr(spec.default_locale),
        spec.mode.as_str()
    );
    for (name, value) in [
        ("data-host-origin", spec.host_origin),
        ("data-locale", spec.locale),
        ("data-department", spec.department),
    ] {
        if let Some(v) = value {
            root.push_str(&format!(" {name}=\"{}\"", attr(v)));
        }
    }
    if spec.mail {
        root.push_str(" data-mail");
    }
    root.push_str("></div>");
    format!(
        "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\" />\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\" />\n\
         <title>Help</title>\n<link rel=\"icon\" href=\"data:,\" />\n{}\n\
         <link rel=\"stylesheet\" href=\"/embed/frame.css\" />\n\
         <script src=\"/embed/frame.js\" defer></script>\n\
         <script type=\"module\">{}</script>\n</head>\n<body class=\"hf-mode-{}\">\n{root}\n\
         <script>{}</script>\n</body>\n</html>\n",
        assets.links.join("\n"),
        assets.script,
        spec.mode.as_str(),
        *PRELOAD_JS
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    const INDEX: &str = "<head>\n<script type=\"module\">\nimport init from '/w-0123456789abcdef.js';\n</script>\n\
        <link rel=\"stylesheet\" href=\"/widget-0123456789abcd.css\"/>\n<link rel=\"icon\" href=\"data:,\" />\n\
        <link rel=\"modulepreload\" href=\"/w-0123456789abcdef.js\"></head>";

    #[test]
    fn extracts_trunk_assets() {
        let a = TrunkAssets::from_index(INDEX).expect("assets");
        assert_eq!(a.script, "\nimport init from '/w-0123456789abcdef.js';\n");
        assert_eq!(a.links.len(), 2);
    }

    #[test]
    fn reads_the_minified_index_too() {
        let min = "<head><script type=module>import init from '/w-0123456789abcdef.js';</script>\
            <link href=/widget-0123456789abcd.css integrity=sha384-x rel=stylesheet><link href=data:, rel=icon>\
            <link crossorigin href=/w-0123456789abcdef.js rel=modulepreload></head>";
        let a = TrunkAssets::from_index(min).expect("assets");
        assert_eq!(a.script, "import init from '/w-0123456789abcdef.js';");
        assert_eq!(a.links.len(), 2, "{:?}", a.links);
        assert!(a.links[0].contains("rel=stylesheet"));
    }

    fn spec<'a>(locales: &'a [String], locale: Option<&'a str>) -> PageSpec<'a> {
        PageSpec {
            site: "demo",
            mode: Mode::Frame,
            host_origin: Some("http://h.test"),
            locale,
            department: None,
            locales,
            default_locale: "en",
            mail: false,
        }
    }

    #[test]
    fn a_desk_that_sends_mail_marks_the_root() {
        let locales = ["en".to_string()];
        let assets = TrunkAssets { script: String::new(), links: vec![] };
        assert!(!page(&assets, &spec(&locales, None)).contains("data-mail"));
        let with_mail = PageSpec { mail: true, ..spec(&locales, None) };
        assert!(page(&assets, &with_mail)
            .contains("data-mode=\"frame\" data-host-origin=\"http://h.test\" data-mail>"));
    }

    #[test]
    fn page_escapes_attributes() {
        let a = TrunkAssets::from_index(INDEX).expect("assets");
        let html = page(&a, &spec(&[], Some("\"><script>")));
        assert!(html.contains("data-mode=\"frame\""));
        assert!(html.contains("data-locale=\"&quot;&gt;&lt;script&gt;\""));
    }

    #[test]
    fn page_names_the_site_folder_and_locales_and_preloads_after_the_root() {
        let a = TrunkAssets::from_index(INDEX).expect("assets");
        let locales = ["en".to_string(), "de".to_string()];
        let html = page(&a, &spec(&locales, None));
        assert!(html.contains(
            "<div id=\"handoff-root\" data-site=\"/sites/demo\" data-locales=\"en de\" data-default-locale=\"en\""
        ));
        // After the root (the script reads its attributes), exactly as hashed for the CSP.
        let root = html.find("id=\"handoff-root\"").expect("root");
        let script = html.find(&format!("<script>{}</script>", *PRELOAD_JS)).expect("preload");
        assert!(root < script);
        assert!(PRELOAD_JS.contains("handoffBundle"));
    }
}
