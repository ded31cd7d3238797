//! The home page: what needs the signed-in person's attention (their
//! tickets, service-level breaches, requests by days left, agreements
//! ending, reviews waiting), recent activity, and the helpdesk's and
//! privacy desk's trends as charts. Parts the person's roles may not read
//! are left out.

use super::charts::{bar_chart, Group, Series};
use super::session::PageSession;
use super::views::{error_page, render, Layout};
use axum::extract::State;
use axum::response::Response;
use custodian_app::dashboard::Dashboard;
use custodian_app::App;
use custodian_core::time::CalendarDate;

struct Item {
    href: String,
    label: String,
    detail: String,
    /// A state shown as a badge ("overdue", "3 days left").
    badge: Option<String>,
    urgent: bool,
}

struct Tile {
    value: String,
    label: &'static str,
    href: String,
    urgent: bool,
}

#[derive(askama::Template)]
#[template(path = "pages/dashboard.html")]
struct DashboardPage {
    layout: Layout,
    tiles: Vec<Tile>,
    my_tickets: Option<Vec<Item>>,
    requests: Option<Vec<Item>>,
    agreements: Option<Vec<Item>>,
    activities: Option<Vec<Item>>,
    charts: Vec<String>,
}

deref_layout!(DashboardPage);

/// "3 days left", "due today", "2 days overdue".
pub(crate) fn days_left(days: i64) -> String {
    match days {
        0 => "due today".into(),
        1 => "1 day left".into(),
        d if d > 1 => format!("{d} days left"),
        -1 => "1 day overdue".into(),
        d => format!("{} days overdue", -d),
    }
}

/// "7 Dec" for a chart's axis.
fn short_date(date: CalendarDate) -> String {
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    format!("{} {}", date.0.day(), MONTHS[date.0.month() as usize - 1])
}

pub(crate) async fn home(State(app): State<App>, session: PageSession) -> Response {
    match app.dashboard(&session.principal).await {
        Ok(dashboard) => render(&page(&session, dashboard)),
        Err(error) => error_page(error),
    }
}

fn page(session: &PageSession, dashboard: Dashboard) -> DashboardPage {
    let today = dashboard.today;
    let mut tiles = Vec::new();
    let mut charts = Vec::new();
    let my_tickets = dashboard.helpdesk.map(|helpdesk| {
        let totals = helpdesk.totals;
        let me = session.principal.user_id.0;
        tiles.push(Tile {
            value: totals.mine.to_string(),
            label: "my open tickets",
            href: format!("/tickets?status=active&assignee_id={me}"),
            urgent: false,
        });
        tiles.push(Tile {
            value: totals.mine_overdue.to_string(),
            label: "of mine overdue",
            href: format!("/tickets?status=active&assignee_id={me}"),
            urgent: totals.mine_overdue > 0,
        });
        tiles.push(Tile {
            value: (totals.first_response_breached).to_string(),
            label: "awaiting a first answer past due",
            href: "/tickets?status=active".into(),
            urgent: totals.first_response_breached > 0,
        });
        tiles.push(Tile {
            value: totals.unassigned.to_string(),
            label: "open tickets nobody has",
            href: "/tickets?status=active&assignee_id=0".into(),
            urgent: false,
        });
        charts.push(bar_chart(
            "Tickets opened and resolved per week",
            "tickets",
            &[
                Series {
                    name: "opened",
                    class: "opened",
                },
                Series {
                    name: "resolved",
                    class: "resolved",
                },
            ],
            &helpdesk
                .weeks
                .iter()
                .map(|w| Group {
                    label: short_date(w.starts),
                    values: vec![w.opened, w.resolved],
                })
                .collect::<Vec<_>>(),
        ));
        charts.push(bar_chart(
            "Mean time to a first answer, in hours, by week opened",
            "hours",
            &[Series {
                name: "first answer",
                class: "response",
            }],
            &helpdesk
                .weeks
                .iter()
                .map(|w| Group {
                    label: short_date(w.starts),
                    values: vec![w
                        .mean_first_response_minutes
                        .map_or(0, |m| (m.max(0) as u64).div_ceil(60))],
                })
                .collect::<Vec<_>>(),
        ));
        helpdesk
            .my_tickets
            .into_iter()
            .map(|t| {
                let late = t.first_response_overdue || t.resolution_overdue;
                Item {
                    href: format!("/tickets/{}", t.id),
                    label: format!("#{} {}", t.number, t.subject),
                    detail: [t.status.label(), t.priority.label()].join(" · "),
                    badge: late.then(|| "overdue".to_string()),
                    urgent: late,
                }
            })
            .collect()
    });
    let requests = dashboard.privacy.map(|privacy| {
        tiles.push(Tile {
            value: privacy.open_request_count.to_string(),
            label: "open data-subject requests",
            href: "/privacy/requests".into(),
            urgent: false,
        });
        tiles.push(Tile {
            value: privacy.overdue_request_count.to_string(),
            label: "requests overdue",
            href: "/privacy/requests".into(),
            urgent: privacy.overdue_request_count > 0,
        });
        tiles.push(Tile {
            value: privacy.retention_reviews_waiting.to_string(),
            label: "records waiting for a retention review",
            href: "/privacy/retention/reviews".into(),
            urgent: false,
        });
        charts.push(bar_chart(
            "Data-subject requests received per month",
            "requests",
            &[Series {
                name: "received",
                class: "opened",
            }],
            &privacy
                .months
                .iter()
                .map(|m| Group {
                    label: m.month.clone(),
                    values: vec![m.received],
                })
                .collect::<Vec<_>>(),
        ));
        privacy
            .open_requests
            .into_iter()
            .map(|r| {
                let left = r.days_left(today);
                Item {
                    href: format!("/privacy/requests/{}", r.id),
                    label: r.subject_name,
                    detail: format!(
                        "#{} · {} · {}",
                        r.number,
                        r.request_type.label(),
                        r.state.label()
                    ),
                    badge: Some(days_left(left)),
                    urgent: left < 0,
                }
            })
            .collect()
    });
    let agreements = dashboard.agreements_ending.map(|agreements| {
        agreements
            .into_iter()
            .map(|a| {
                let ends = a.end_date.unwrap_or(today);
                Item {
                    href: format!("/agreements/{}", a.id),
                    label: a.title,
                    detail: a.organisation_name,
                    badge: Some(format!("ends {}", ends.to_iso())),
                    urgent: today.days_until(ends) <= 14,
                }
            })
            .collect()
    });
    let activities = dashboard.recent_activities.map(|activities| {
        activities
            .into_iter()
            .map(|a| Item {
                href: format!("/activities/{}", a.id),
                label: a.subject,
                detail: format!(
                    "{} · {} UTC{}",
                    a.kind.label(),
                    a.occurred_at.display(),
                    a.author_name
                        .map(|name| format!(" · {name}"))
                        .unwrap_or_default()
                ),
                badge: None,
                urgent: false,
            })
            .collect()
    });
    DashboardPage {
        layout: Layout::new(session, ""),
        tiles,
        my_tickets,
        requests,
        agreements,
        activities,
        charts,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_left_reads_as_words() {
        assert_eq!(days_left(3), "3 days left");
        assert_eq!(days_left(1), "1 day left");
        assert_eq!(days_left(0), "due today");
        assert_eq!(days_left(-1), "1 day overdue");
        assert_eq!(days_left(-4), "4 days overdue");
    }

    #[test]
    fn chart_dates_are_short() {
        let date = CalendarDate::parse("2026-12-07").unwrap();
        assert_eq!(short_date(date), "7 Dec");
    }
}
