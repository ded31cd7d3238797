//! The back office's menus: CRM, Helpdesk, Privacy and Admin, each with
//! only the pages the person's roles may open, and the page they are on
//! marked (`aria-current`), its menu too.

use custodian_app::Principal;
use custodian_core::access::{Action, Area};

pub struct NavLink {
    pub label: &'static str,
    pub href: &'static str,
    pub current: bool,
}

pub struct NavMenu {
    pub label: &'static str,
    pub links: Vec<NavLink>,
    /// The page shown is one of this menu's.
    pub current: bool,
}

/// Each page of the menus: its menu, label, address and what opening it
/// needs.
const PAGES: &[(&str, &str, &str, Area, Action)] = &[
    (
        "CRM",
        "Organisations",
        "/organisations",
        Area::OrganisationsAndContacts,
        Action::Read,
    ),
    (
        "CRM",
        "Contacts",
        "/contacts",
        Area::OrganisationsAndContacts,
        Action::Read,
    ),
    (
        "CRM",
        "Activities",
        "/activities",
        Area::Activities,
        Action::Read,
    ),
    (
        "CRM",
        "Assets",
        "/assets",
        Area::OrganisationsAndContacts,
        Action::Read,
    ),
    (
        "CRM",
        "Agreements",
        "/agreements",
        Area::Sales,
        Action::Read,
    ),
    (
        "Helpdesk",
        "Tickets",
        "/tickets",
        Area::Support,
        Action::Read,
    ),
    (
        "Helpdesk",
        "FAQ",
        "/faq-articles",
        Area::Support,
        Action::Read,
    ),
    (
        "Helpdesk",
        "Canned replies",
        "/canned-replies",
        Area::Support,
        Action::Read,
    ),
    (
        "Helpdesk",
        "Service levels",
        "/tickets/service-levels",
        Area::Support,
        Action::Read,
    ),
    (
        "Privacy",
        "Requests",
        "/privacy/requests",
        Area::Privacy,
        Action::Read,
    ),
    (
        "Privacy",
        "Purposes",
        "/privacy/purposes",
        Area::Privacy,
        Action::Read,
    ),
    (
        "Privacy",
        "Consent texts",
        "/privacy/consents",
        Area::Privacy,
        Action::Read,
    ),
    (
        "Privacy",
        "Retention",
        "/privacy/retention",
        Area::Privacy,
        Action::Read,
    ),
    (
        "Privacy",
        "Audit trail",
        "/audit",
        Area::Privacy,
        Action::Read,
    ),
    (
        "Admin",
        "Users",
        "/admin/users",
        Area::Administration,
        Action::Administer,
    ),
    (
        "Admin",
        "Roles",
        "/admin/roles",
        Area::Administration,
        Action::Administer,
    ),
    (
        "Admin",
        "Teams",
        "/admin/teams",
        Area::Administration,
        Action::Administer,
    ),
    (
        "Admin",
        "Passwords",
        "/admin/security",
        Area::Administration,
        Action::Administer,
    ),
    (
        "Admin",
        "Outbox",
        "/admin/outbox",
        Area::Administration,
        Action::Administer,
    ),
    (
        "Admin",
        "Portal",
        "/admin/portal",
        Area::Administration,
        Action::Administer,
    ),
    (
        "Admin",
        "API",
        "/api/v1/docs",
        Area::Administration,
        Action::Administer,
    ),
];

/// Whether `path` is the page at `href` or one below it; the longest
/// match wins, so `/tickets/service-levels` is not also `/tickets`.
fn matches(path: &str, href: &str) -> bool {
    path == href
        || path
            .strip_prefix(href)
            .is_some_and(|rest| rest.starts_with('/') || rest.starts_with('?'))
}

/// The menus for `principal` on the page at `here` (a path, perhaps with
/// a query); menus with no page the person may open are left out.
pub fn menus(principal: &Principal, here: &str) -> Vec<NavMenu> {
    let path = here.split(['?', '#']).next().unwrap_or_default();
    let current = PAGES
        .iter()
        .filter(|(_, _, href, _, _)| matches(path, href))
        .max_by_key(|(_, _, href, _, _)| href.len())
        .map(|(_, _, href, _, _)| *href);
    let mut menus: Vec<NavMenu> = Vec::new();
    for (menu, label, href, area, action) in PAGES {
        if principal.authorize(*area, *action).is_err() {
            continue;
        }
        let link = NavLink {
            label,
            href,
            current: current == Some(*href),
        };
        match menus.iter_mut().find(|m| m.label == *menu) {
            Some(existing) => {
                existing.current |= link.current;
                existing.links.push(link);
            }
            None => menus.push(NavMenu {
                label: menu,
                current: link.current,
                links: vec![link],
            }),
        }
    }
    menus
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_below_a_menu_entry_marks_it() {
        assert!(matches("/contacts", "/contacts"));
        assert!(matches("/contacts/123", "/contacts"));
        assert!(matches("/privacy/retention/holds", "/privacy/retention"));
        assert!(!matches("/contactsx", "/contacts"));
        assert!(!matches("/", "/contacts"));
    }
}
