//! Quality: the customers' ratings and the help articles that did not help.

use super::{ratio, Conv};
use handoff_protocol::insights::{ArticleCount, Comment, Quality};
use std::collections::BTreeMap;

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
