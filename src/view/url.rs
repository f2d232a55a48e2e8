//! URL policy for API-supplied links and images. Links are only `http:`, `https:`, `mailto:` and
//! `tel:`; images may also be `data:image/*` (echoed uploads) and host-less paths, which resolve
//! against the API base. Anything else is refused, so `javascript:` can never become clickable.

/// Browsers ignore ASCII tab/newline/CR anywhere in a URL and leading/trailing C0 controls and
/// spaces, so `java\tscript:` is `javascript:`. Strip them the same way before judging a scheme.
fn normalized(url: &str) -> String {
    url.trim_matches(|c: char| c <= ' ')
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .collect()
}

fn scheme(url: &str) -> Option<String> {
    let colon = url.find(':')?;
    let candidate = &url[..colon];
    let valid = candidate
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic())
        && candidate
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    valid.then(|| candidate.to_ascii_lowercase())
}

/// The URL to put in an `<a href>`, or `None` when it must not be clickable.
pub fn safe_link(url: &str) -> Option<String> {
    let url = normalized(url);
    match scheme(&url)?.as_str() {
        "http" | "https" | "mailto" | "tel" => Some(url),
        _ => None,
    }
}

/// The URL to put in an `<img src>`: http(s), `data:image/…`, or a host-less path resolved
/// against `api_base`.
pub fn safe_image(url: &str, api_base: &str) -> Option<String> {
    let url = normalized(url);
    match scheme(&url).as_deref() {
        Some("http" | "https") => Some(url),
        Some("data") if url[5..].to_ascii_lowercase().starts_with("image/") => Some(url),
        Some(_) => None,
        None if url.starts_with("//") => Some(["https:", &url].concat()),
        None if url.starts_with('/') => Some([api_base, &url].concat()),
        None => None,
    }
}
