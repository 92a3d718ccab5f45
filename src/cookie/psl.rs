//! The Public Suffix List: which names are registries, not sites.
//!
//! `co.uk`, `github.io` and `com` are *public suffixes*: names under which
//! anyone may register a site. A cookie scoped to one of them
//! (`Domain=co.uk`) would reach every site below it — a "supercookie" — so
//! browsers refuse such a Domain (RFC 6265bis §5.7 step 9). Nothing in a
//! host name says where the registry ends (`example.co.uk` is a site,
//! `example.uk.com`… is too), so browsers consult a list kept by hand at
//! <https://publicsuffix.org/>: about 10,000 rules, in three kinds.
//!
//! | rule | meaning | e.g. |
//! | --- | --- | --- |
//! | `co.uk` | this name is a public suffix | `example.co.uk` is a site |
//! | `*.ck` | every name one label below is a public suffix | `foo.ck` is a suffix |
//! | `!www.ck` | an exception to a wildcard | `www.ck` is a site after all |
//!
//! The algorithm (publicsuffix.org, "Formal Algorithm"): among the rules
//! that match the host's rightmost labels, an exception rule wins; otherwise
//! the rule with the most labels wins; if none matches, the implicit rule
//! `*` makes the last label the suffix (so `localhost` and `x.internal`
//! behave like `com`). The *registrable domain* (eTLD+1) is the suffix plus
//! one more label: the site, in the sense browsers use for cookies.
//!
//! This module only parses text it is given: reading
//! `/usr/share/publicsuffix/public_suffix_list.dat` (Debian's `publicsuffix`
//! package) or `--psl FILE` is the caller's job (`cli/` and `app/`), so the
//! cookie code stays free of I/O. Without a file, [`PublicSuffixList::builtin`]
//! holds the most common suffixes, and the caller warns that it is partial.
//!
//! Leaves out: internationalised rules are kept as written (Unicode), so a
//! host must use the same form to match them; goldfish's URLs are ASCII
//! (`xn--` form), which such a rule never matches.

use std::collections::HashSet;
use std::fmt;
use std::sync::OnceLock;

/// Where the system's copy of the list lives on Debian and Ubuntu.
pub const SYSTEM_PSL_PATH: &str = "/usr/share/publicsuffix/public_suffix_list.dat";

/// A parsed Public Suffix List.
#[derive(Clone, PartialEq, Eq)]
pub struct PublicSuffixList {
    /// `co.uk`: the name itself is a suffix.
    normal: HashSet<String>,
    /// `*.ck` is stored as `ck`: every child of the name is a suffix.
    wildcard: HashSet<String>,
    /// `!www.ck` is stored as `www.ck`: not a suffix after all.
    exception: HashSet<String>,
    /// Where the rules came from, for messages ("the system list").
    source: String,
}

/// Which rule made a name a public suffix, for a learner's message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SuffixRule {
    /// A rule of the list, as written there (`co.uk`, `*.ck`).
    Listed(String),
    /// No rule matched: the implicit `*` makes the last label a suffix.
    Implicit,
}

impl fmt::Display for SuffixRule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SuffixRule::Listed(rule) => write!(f, "the rule {rule}"),
            SuffixRule::Implicit => f.write_str("the implicit rule * (an unlisted top-level name)"),
        }
    }
}

/// The suffixes every learner meets, for when no list file is available:
/// generic and country TLDs are covered by the implicit `*` rule; these are
/// the multi-label registries and the hosting platforms that share a name.
const BUILTIN: &str = "\
// A small built-in excerpt of the Public Suffix List (publicsuffix.org).
co.uk\norg.uk\nac.uk\ngov.uk\nltd.uk\nplc.uk\nme.uk\nnet.uk\nsch.uk\n
com.au\nnet.au\norg.au\nedu.au\ngov.au\nco.nz\norg.nz\nco.jp\nne.jp\nor.jp\nac.jp\ngo.jp\n
com.br\nnet.br\norg.br\ncom.cn\nnet.cn\norg.cn\ngov.cn\nco.in\nnet.in\norg.in\n
co.za\norg.za\ncom.mx\ncom.ar\ncom.tr\nco.kr\nor.kr\ncom.sg\ncom.hk\ncom.tw\n
co.il\nco.id\ncom.my\ncom.ph\ncom.ua\ncom.pl\ncom.es\nco.at\nor.at\ngv.at\n
// Private domains: platforms where each customer gets a subdomain.
github.io\ngitlab.io\nherokuapp.com\nblogspot.com\nappspot.com\nnetlify.app\n
vercel.app\npages.dev\nworkers.dev\nfirebaseapp.com\nweb.app\nazurewebsites.net\n
cloudfront.net\ns3.amazonaws.com\nfly.dev\nonrender.com\nglitch.me\nreplit.dev\n
*.ck\n!www.ck\n*.bd\n*.np\n";

impl PublicSuffixList {
    /// Parses the list's text format: one rule per line, `//` comments,
    /// blank lines ignored, only the first word of a line counts. Rules are
    /// lowercased. `source` names the list in messages.
    ///
    /// # Examples
    ///
    /// ```
    /// use goldfish::cookie::PublicSuffixList;
    ///
    /// let psl = PublicSuffixList::parse("co.uk\n*.ck\n!www.ck\n", "a test list");
    /// assert_eq!(psl.registrable_domain("www.example.co.uk"), Some("example.co.uk"));
    /// assert_eq!(psl.registrable_domain("co.uk"), None);
    /// assert_eq!(psl.registrable_domain("a.b.ck"), Some("a.b.ck"));
    /// assert_eq!(psl.registrable_domain("www.ck"), Some("www.ck"));
    /// ```
    #[must_use]
    pub fn parse(text: &str, source: &str) -> PublicSuffixList {
        let mut psl = PublicSuffixList {
            normal: HashSet::new(),
            wildcard: HashSet::new(),
            exception: HashSet::new(),
            source: source.to_owned(),
        };
        for line in text.lines() {
            let Some(rule) = line.split_whitespace().next() else {
                continue;
            };
            if rule.starts_with("//") {
                continue;
            }
            let rule = rule.to_lowercase();
            if let Some(rest) = rule.strip_prefix('!') {
                psl.exception.insert(rest.to_owned());
            } else if let Some(rest) = rule.strip_prefix("*.") {
                psl.wildcard.insert(rest.to_owned());
            } else {
                psl.normal.insert(rule);
            }
        }
        psl
    }

    /// The small list built into goldfish (see `BUILTIN` in the source):
    /// enough to refuse `Domain=co.uk` and `Domain=github.io`, not the
    /// whole list.
    #[must_use]
    pub fn builtin() -> PublicSuffixList {
        Self::parse(BUILTIN, "goldfish's small built-in list")
    }

    /// [`PublicSuffixList::builtin`], parsed once and shared.
    pub fn builtin_list() -> &'static PublicSuffixList {
        static BUILT_IN: OnceLock<PublicSuffixList> = OnceLock::new();
        BUILT_IN.get_or_init(PublicSuffixList::builtin)
    }

    /// Where the rules came from, e.g. `/usr/share/publicsuffix/…`.
    #[must_use]
    pub fn source(&self) -> &str {
        &self.source
    }

    /// How many rules the list holds.
    #[must_use]
    pub fn len(&self) -> usize {
        self.normal.len() + self.wildcard.len() + self.exception.len()
    }

    /// True for a list without rules (only the implicit `*` applies).
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The public suffix of `host` (lowercase, no trailing dot) and the
    /// rule that decided it. An IP address has no suffix: `None`.
    #[must_use]
    pub fn public_suffix<'h>(&self, host: &'h str) -> Option<(&'h str, SuffixRule)> {
        if host.is_empty() || crate::cookie::matching::is_ip_address(host) {
            return None;
        }
        // Walk the suffixes of the host from the longest: "a.b.c", "b.c", "c".
        let mut best: Option<(&'h str, SuffixRule, usize)> = None;
        let mut start = 0;
        loop {
            let candidate = &host[start..];
            let labels = candidate.split('.').count();
            if self.exception.contains(candidate) {
                // "!www.ck": the suffix is the rule minus its leftmost label.
                let suffix = candidate.split_once('.').map_or("", |(_, s)| s);
                return Some((suffix, SuffixRule::Listed(format!("!{candidate}"))));
            }
            // Walking from the longest suffix, the first match has the most
            // labels, so a later (shorter) match never replaces it.
            let better = best.is_none();
            if self.normal.contains(candidate) && better {
                best = Some((candidate, SuffixRule::Listed(candidate.to_owned()), labels));
            }
            // "*.ck" matches "foo.ck": this candidate's parent is the wildcard.
            if let Some((_, parent)) = candidate.split_once('.')
                && self.wildcard.contains(parent)
                && better
            {
                best = Some((candidate, SuffixRule::Listed(format!("*.{parent}")), labels));
            }
            match candidate.find('.') {
                Some(dot) => start += dot + 1,
                None => break,
            }
        }
        match best {
            Some((suffix, rule, _)) => Some((suffix, rule)),
            // The implicit "*": the last label.
            None => Some((
                &host[host.rfind('.').map_or(0, |i| i + 1)..],
                SuffixRule::Implicit,
            )),
        }
    }

    /// Is `name` itself a public suffix? Returns the deciding rule if so.
    #[must_use]
    pub fn suffix_rule(&self, name: &str) -> Option<SuffixRule> {
        match self.public_suffix(name) {
            Some((suffix, rule)) if suffix == name => Some(rule),
            _ => None,
        }
    }

    /// The registrable domain (eTLD+1) of `host`: its public suffix plus
    /// one label. `None` for a public suffix itself, an IP address, or a
    /// name with an empty label.
    pub fn registrable_domain<'h>(&self, host: &'h str) -> Option<&'h str> {
        if host.split('.').any(str::is_empty) {
            return None;
        }
        let (suffix, _) = self.public_suffix(host)?;
        if suffix.len() >= host.len() {
            return None;
        }
        let head = &host[..host.len() - suffix.len() - 1];
        let start = head.rfind('.').map_or(0, |i| i + 1);
        Some(&host[start..])
    }
}

impl fmt::Debug for PublicSuffixList {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "PublicSuffixList({} rules from {})",
            self.len(),
            self.source
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LIST: &str = "// comment\ncom\nuk\nco.uk\n\n*.ck\n!www.ck\ngithub.io  extra words\n*.kawasaki.jp\n!city.kawasaki.jp\njp\n";

    #[test]
    fn registrable_domain_table() {
        let psl = PublicSuffixList::parse(LIST, "test");
        let cases: &[(&str, &str, Option<&str>)] = &[
            ("a plain .com site", "www.example.com", Some("example.com")),
            ("the site itself", "example.com", Some("example.com")),
            ("a TLD is a suffix", "com", None),
            (
                "two-label suffix",
                "www.example.co.uk",
                Some("example.co.uk"),
            ),
            ("the suffix itself", "co.uk", None),
            (
                "one-label suffix under uk",
                "example.uk",
                Some("example.uk"),
            ),
            (
                "a private suffix",
                "alice.github.io",
                Some("alice.github.io"),
            ),
            ("a private suffix itself", "github.io", None),
            ("wildcard: foo.ck is a suffix", "foo.ck", None),
            (
                "wildcard: one below is a site",
                "a.foo.ck",
                Some("a.foo.ck"),
            ),
            ("exception: www.ck is a site", "www.ck", Some("www.ck")),
            ("exception below", "a.www.ck", Some("www.ck")),
            ("deep wildcard", "x.y.kawasaki.jp", Some("x.y.kawasaki.jp")),
            (
                "deep exception",
                "city.kawasaki.jp",
                Some("city.kawasaki.jp"),
            ),
            ("implicit * rule", "app.localhost", Some("app.localhost")),
            ("implicit * itself", "localhost", None),
            ("an IP address", "127.0.0.1", None),
            ("an empty label", "a..example.com", None),
            ("a leading dot", ".example.com", None),
        ];
        for (why, host, want) in cases {
            let got = psl.registrable_domain(host);
            assert_eq!(
                got, *want,
                "{why}: registrable_domain({host:?}) = {got:?}; want {want:?}"
            );
        }
    }

    #[test]
    fn the_rule_is_named() {
        let psl = PublicSuffixList::parse(LIST, "test");
        let rule = |n: &str| psl.suffix_rule(n).map(|r| r.to_string());
        assert_eq!(rule("co.uk").as_deref(), Some("the rule co.uk"));
        assert_eq!(rule("foo.ck").as_deref(), Some("the rule *.ck"));
        assert_eq!(rule("github.io").as_deref(), Some("the rule github.io"));
        assert_eq!(
            rule("localhost").as_deref(),
            Some("the implicit rule * (an unlisted top-level name)")
        );
        assert_eq!(rule("example.co.uk"), None);
        assert_eq!(rule("www.ck"), None);
    }

    #[test]
    fn builtin_covers_the_classic_mistakes() {
        let psl = PublicSuffixList::builtin();
        assert!(psl.suffix_rule("co.uk").is_some());
        assert!(psl.suffix_rule("github.io").is_some());
        assert!(psl.suffix_rule("com").is_some(), "implicit");
        assert_eq!(psl.registrable_domain("a.b.github.io"), Some("b.github.io"));
        assert!(psl.len() > 50);
    }
}
