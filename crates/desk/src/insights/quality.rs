//! Quality: the customers' ratings and the help articles that did not help.

use super::{ratio, Conv};
use serde::Serialize;
use std::collections::BTreeMap;

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Quality {
    /// Rated conversations.
    pub ratings: u64,
    /// Mean score; `None` without ratings.
    pub average: Option<f64>,
    /// How many ratings had score 1, 2, 3, 4, 5 (index 0 is score 1).
    pub distribution: [u64; 5],
    /// The latest comments (non-empty), newest first (ties: conversation id).
    pub comments: Vec<Comment>,
    /// Conversations whose stored handoff (the latest) says `article_unhelpful`, by the article
    /// it names, most first (ties: article id); `article` is empty when the handoff named none.
    pub unhelpful_articles: Vec<ArticleCount>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Comment {
    pub conversation_id: String,
    pub score: i64,
    pub comment: String,
    /// When it was rated (RFC 3339).
    pub at: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ArticleCount {
    pub article: String,
    pub count: u64,
}

pub(crate) fn quality(convs: &[Conv<'_>], latest: usize) -> Quality {
    let mut q = Quality::default();
    let mut sum = 0i64;
    let mut comments: Vec<(i64, Comment)> = Vec::new();
    let mut articles: BTreeMap<String, u64> = BTreeMap::new();
    for c in convs {
        if let Some(score) = c.row.rating.filter(|s| (1..=5).contains(s)) {
            q.ratings += 1;
            sum += score;
            q.distribution[(score - 1) as usize] += 1;
            // `latest` is 0 for headline-only figures: no comment is formatted to be dropped.
            let comment = c.row.rating_comment.as_ref().filter(|t| latest > 0 && !t.trim().is_empty());
            if let Some(text) = comment {
                let at = c.rows("rating").last().map_or(c.row.updated_at, |a| a.at);
                comments.push((
                    at,
                    Comment {
                        conversation_id: c.row.id.clone(),
                        score,
                        comment: text.clone(),
                        at: crate::desk::rfc3339(at),
                    },
                ));
            }
        }
        if let Some(article) = &c.row.unhelpful_article {
            *articles.entry(article.clone()).or_default() += 1;
        }
    }
    q.average = ratio(0, q.ratings).map(|_| sum as f64 / q.ratings as f64);
    comments.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.conversation_id.cmp(&b.1.conversation_id)));
    q.comments = comments.into_iter().take(latest).map(|(_, c)| c).collect();
    let mut list: Vec<_> =
        articles.into_iter().map(|(article, count)| ArticleCount { article, count }).collect();
    list.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.article.cmp(&b.article)));
    q.unhelpful_articles = list;
    q
}
