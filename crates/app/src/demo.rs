//! Demo and benchmark data: plausible B2B organisations, people and
//! timelines, from a seeded generator so every run looks the same.

use crate::{App, AppError};
use custodian_core::access::Role;
use custodian_core::activities::ActivityInput;
use custodian_core::agreements::Agreement;
use custodian_core::agreements::AgreementInput;
use custodian_core::assets::Asset;
use custodian_core::assets::AssetInput;
use custodian_core::audit::{Actor, ActorKind};
use custodian_core::contacts::Contact;
use custodian_core::contacts::ContactInput;
use custodian_core::helpdesk::{
    CannedReply, CannedReplyInput, FaqInput, MessageInput, TicketInput,
};
use custodian_core::organisations::Organisation;
use custodian_core::organisations::OrganisationInput;
use custodian_core::privacy::consent::ConsentTextInput;
use custodian_core::privacy::requests::{due_date, RequestInput};
use custodian_core::time::{CalendarDate, Timestamp};
use custodian_core::values::Address;
use custodian_core::{ContactId, OrganisationId, TenantId, UserId};
use custodian_store::{Batch, ListQuery, MessageAuthor, Scope, Store};

pub const DEMO_TENANT: &str = "Demo Company";
pub const DEMO_EMAIL: &str = "demo@custodian.example";
/// Demo only; a real tenant's users set their own.
pub const DEMO_PASSWORD: &str = "custodian-demo-2026";
/// A second demo login with the support role, to see need-to-know at work
/// (agreement values hidden), with the same password.
pub const DEMO_SUPPORT_EMAIL: &str = "support@custodian.example";

pub struct DemoLogin {
    pub tenant: TenantId,
    pub email: &'static str,
    pub password: &'static str,
    pub created: bool,
    /// A contact person's customer-portal login (same password).
    pub portal_email: Option<String>,
}

/// SplitMix64: tiny, seeded, good enough for plausible data.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

const FIRST_FEMALE: &[&str] = &[
    "Anna", "Julia", "Sophie", "Maria", "Laura", "Emma", "Claire", "Ingrid", "Sara", "Elena",
    "Nora", "Hannah", "Lea", "Katrin", "Marta", "Olivia",
];
const FIRST_MALE: &[&str] = &[
    "Lukas", "Jonas", "Felix", "Thomas", "Michael", "Jan", "Peter", "Pierre", "Marco", "Erik",
    "David", "Stefan", "Tobias", "Henrik", "Paul", "Martin",
];
const LAST: &[&str] = &[
    "Schmidt",
    "Müller",
    "Weber",
    "Fischer",
    "Wagner",
    "Becker",
    "Hoffmann",
    "Schulz",
    "Koch",
    "Richter",
    "Klein",
    "Wolf",
    "Neumann",
    "Schwarz",
    "Braun",
    "Zimmermann",
    "Hartmann",
    "Lange",
    "Krüger",
    "Dubois",
    "Rossi",
    "Jensen",
    "Novak",
    "de Vries",
    "Andersson",
    "García",
    "Kowalski",
    "Lehmann",
    "Vogel",
    "Berger",
];
const ORG_WORDS: &[&str] = &[
    "Nordwind", "Alpen", "Rhein", "Elbe", "Hansa", "Falken", "Berg", "Sonnen", "Linden", "Adler",
    "Kristall", "Blau", "Eichen", "Sternen", "Polar", "Delta", "Vertex", "Nova", "Helix", "Orbit",
];
const ORG_KINDS: &[&str] = &[
    "Logistik GmbH",
    "Maschinenbau AG",
    "Software GmbH",
    "Medizintechnik GmbH",
    "Energie AG",
    "Handel KG",
    "Consulting GmbH",
    "Bau GmbH",
    "Foods AG",
    "Systems B.V.",
    "Analytics Ltd",
    "Pharma GmbH",
];
const CITIES: &[(&str, &str, &str)] = &[
    ("Berlin", "10115", "DE"),
    ("Hamburg", "20095", "DE"),
    ("München", "80331", "DE"),
    ("Köln", "50667", "DE"),
    ("Frankfurt am Main", "60311", "DE"),
    ("Stuttgart", "70173", "DE"),
    ("Wien", "1010", "AT"),
    ("Zürich", "8001", "CH"),
    ("Amsterdam", "1012", "NL"),
    ("Kopenhagen", "1050", "DK"),
    ("Leipzig", "04109", "DE"),
    ("Dresden", "01067", "DE"),
];
const STREETS: &[&str] = &[
    "Hauptstraße",
    "Industriestraße",
    "Bahnhofstraße",
    "Am Hafen",
    "Gartenweg",
    "Lindenallee",
    "Marktplatz",
    "Schillerstraße",
    "Goethestraße",
    "Europaallee",
];
const POSITIONS: &[&str] = &[
    "Head of Purchasing",
    "IT Manager",
    "CFO",
    "Managing Director",
    "Office Manager",
    "Procurement Specialist",
    "Head of Operations",
    "CTO",
    "Project Lead",
    "Accountant",
    "Sales Director",
    "Facility Manager",
];
const PRODUCTS: &[&str] = &[
    "Router X200",
    "Firewall F9",
    "Storage Array S40",
    "Scanner Pro 3",
    "Label Printer L2",
    "Access Point AP7",
    "Thin Client T10",
    "UPS 3000",
];
const SUBJECTS: &[(&str, &str, &str)] = &[
    ("call", "Quarterly check-in", "Discussed current usage and open support cases. Customer satisfied; wants a quote for two more licences."),
    ("call", "Renewal question", "Asked about renewal terms for next year. Sent the price list afterwards."),
    ("meeting", "On-site workshop", "Workshop with the operations team about the roll-out plan. Next step: pilot in one site."),
    ("meeting", "Contract negotiation", "Negotiated payment terms and service levels. Legal review pending on their side."),
    ("email", "Offer sent", "Sent offer for the extension with a 5% volume discount, valid for 30 days."),
    ("email", "Invoice query", "Customer asked for a copy of the last invoice and a corrected billing address."),
    ("task", "Prepare quote", "Prepare a quote for the hardware refresh including installation."),
    ("task", "Follow up on pilot", "Call back after the pilot to collect feedback."),
    ("note", "Org chart change", "New head of purchasing from next month; keep the old contact informed until then."),
];

fn organisation_input(rng: &mut Rng, n: usize) -> OrganisationInput {
    let word = ORG_WORDS[n % ORG_WORDS.len()];
    let kind = rng.pick(ORG_KINDS);
    let (city, postcode, country) = CITIES[rng.below(CITIES.len())];
    let slug = word.to_lowercase();
    let address = Address {
        street: Some(format!("{} {}", rng.pick(STREETS), 1 + rng.below(120))),
        postcode: Some(postcode.to_string()),
        city: Some(city.to_string()),
        country: Some(country.to_string()),
    };
    // Past the word list, names like "Becker & Braun Logistik GmbH": the
    // founders' names, as many real firms have; large volumes add a number.
    let round = n / ORG_WORDS.len();
    let name = match round {
        0 => format!("{word} {kind}"),
        _ => {
            let founders = format!(
                "{} & {}",
                LAST[n % LAST.len()],
                LAST[(n / 3 + round) % LAST.len()]
            );
            match round {
                1 => format!("{founders} {kind}"),
                _ => format!("{founders} {kind} {round}"),
            }
        }
    };
    OrganisationInput {
        name,
        owner_id: None,
        website: Some(format!("https://www.{slug}{}.example", n / ORG_WORDS.len())),
        account_number: Some(format!("K-{:05}", 10_000 + n * 7)),
        phone: Some(format!(
            "+49 {} {}",
            30 + rng.below(60),
            100_000 + rng.below(899_999)
        )),
        billing_address: address.clone(),
        postal_address: address,
    }
}

fn contact_input(
    rng: &mut Rng,
    n: usize,
    organisation: Option<(OrganisationId, &str)>,
) -> ContactInput {
    let female = rng.below(2) == 0;
    let first = if female {
        rng.pick(FIRST_FEMALE)
    } else {
        rng.pick(FIRST_MALE)
    };
    let last = rng.pick(LAST);
    let domain = organisation
        .map(|(_, name)| name.split(' ').next().unwrap_or("example").to_lowercase())
        .unwrap_or_else(|| "example".into());
    let ascii = |s: &str| {
        s.to_lowercase()
            .replace('ü', "ue")
            .replace('ö', "oe")
            .replace('ä', "ae")
            .replace('í', "i")
            .replace(' ', "")
    };
    let (city, postcode, country) = CITIES[rng.below(CITIES.len())];
    ContactInput {
        owner_id: None,
        organisation_id: organisation.map(|(id, _)| id),
        gender: Some(if female { "female" } else { "male" }.into()),
        first_name: first.into(),
        last_name: last.into(),
        position: Some(rng.pick(POSITIONS).into()),
        emails: vec![format!(
            "{}.{}{}@{domain}.example",
            ascii(first),
            ascii(last),
            n
        )],
        phones: vec![format!(
            "+49 {} {}",
            30 + rng.below(60),
            1_000_000 + rng.below(8_999_999)
        )],
        work_address: Address {
            street: Some(format!("{} {}", rng.pick(STREETS), 1 + rng.below(120))),
            postcode: Some(postcode.into()),
            city: Some(city.into()),
            country: Some(country.into()),
        },
    }
}

/// The `n`th of `total` activities: spread over the last two years, oldest
/// first, during office hours. In a live CRM an activity is logged about
/// when it happens, so its id (minted from the clock) follows its time;
/// generating history in that order gives the tables the same layout.
fn activity_input(
    rng: &mut Rng,
    contact: ContactId,
    now: i64,
    n: usize,
    total: usize,
) -> ActivityInput {
    let (kind, subject, body) = SUBJECTS[rng.below(SUBJECTS.len())];
    let days_ago = 729 - (n as u128 * 730 / total.max(1) as u128) as i64;
    let minutes = (8 * 60 + rng.below(9 * 60)) as i64;
    let day_start = (now / 86_400_000 - days_ago) * 86_400_000;
    ActivityInput {
        kind: kind.into(),
        occurred_at: Timestamp(day_start + minutes * 60_000).to_rfc3339(),
        subject: subject.into(),
        body: Some(body.into()),
        contact_ids: vec![contact],
        organisation_id: None,
    }
}

/// What `generate` should make.
pub struct Volume {
    pub organisations: usize,
    pub contacts: usize,
    pub activities: usize,
    pub assets: usize,
    pub agreements: usize,
    pub tickets: usize,
}

impl App {
    async fn ensure_demo_support_user(&self, tenant: TenantId) -> Result<(), AppError> {
        if self
            .store
            .find_user_by_email(tenant, DEMO_SUPPORT_EMAIL)
            .await?
            .is_none()
        {
            self.create_user(
                tenant,
                DEMO_SUPPORT_EMAIL,
                "Sam Support",
                DEMO_PASSWORD,
                Role::Support,
                Actor::SYSTEM,
            )
            .await?;
        }
        Ok(())
    }

    /// Something to try on the privacy pages: a published newsletter
    /// consent text, and an access request by letter about one contact.
    async fn seed_demo_privacy(&self, tenant: TenantId, admin: UserId) -> Result<(), AppError> {
        let scope = Scope::new(
            tenant,
            Actor {
                kind: ActorKind::User,
                id: admin.0,
            },
        );
        let purposes = self.store.privacy().purposes(tenant).await?;
        if let Some(marketing) = purposes.iter().find(|p| p.direct_marketing) {
            let fields = ConsentTextInput {
                purpose_id: marketing.id,
                title: "Newsletter".into(),
                body: "Yes, send me the monthly product newsletter by email. I can withdraw this at any time with the link in every newsletter.".into(),
                language: Some("en".into()),
            }
            .validate()?;
            let text = self
                .store
                .privacy()
                .create_consent_text(&scope, admin, &fields)
                .await?;
            self.store
                .privacy()
                .publish_consent_text(&scope, text.id)
                .await?;
        }
        let first = self
            .store
            .list_contacts(
                tenant,
                &ListQuery {
                    limit: 1,
                    ..Default::default()
                },
            )
            .await?;
        if let Some(contact) = first.items.first() {
            let today = CalendarDate::of(Timestamp::now());
            let fields = RequestInput {
                request_type: "access".into(),
                channel: "letter".into(),
                received_on: None,
                contact_id: Some(contact.id),
                subject_name: contact.full_name(),
                subject_email: contact.emails.first().map(|e| e.as_str().to_string()),
                details: Some("Please send me a copy of all data you hold about me.".into()),
            }
            .validate(today)?;
            self.store
                .privacy()
                .create_request(
                    &scope,
                    admin,
                    &fields,
                    due_date(fields.received_on, None),
                    &custodian_store::Intake::Logged,
                )
                .await?;
        }
        Ok(())
    }

    /// A conversation to look at: a reply and an internal note on the
    /// newest open ticket.
    async fn seed_demo_helpdesk(&self, tenant: TenantId, admin: UserId) -> Result<(), AppError> {
        let scope = Scope::new(
            tenant,
            Actor {
                kind: ActorKind::User,
                id: admin.0,
            },
        );
        let open = self
            .store
            .helpdesk()
            .list_tickets(
                tenant,
                &ListQuery {
                    limit: 1,
                    kind: Some("new".into()),
                    ..Default::default()
                },
            )
            .await?;
        self.store
            .helpdesk()
            .spread_ticket_history(tenant, 21)
            .await?;
        for (title, body) in DEMO_CANNED_REPLIES {
            let fields = CannedReplyInput {
                title: title.into(),
                body: body.into(),
            }
            .validate()?;
            self.store
                .records::<CannedReply>()
                .create(&scope, &fields)
                .await?;
        }
        for (title, body, category) in DEMO_FAQ {
            let fields = FaqInput {
                title: title.into(),
                body: body.into(),
                category: Some(category.into()),
                published: true,
                ..Default::default()
            }
            .validate()?;
            self.store
                .helpdesk()
                .create_faq_article(&scope, Some(admin), &fields)
                .await?;
        }
        if let Some(ticket) = open.items.first() {
            for (body, visibility) in [
                ("Checked with the warehouse: the part is in stock.", "internal"),
                ("Thank you for reporting this. A technician will call you tomorrow morning to arrange the repair.", "public"),
            ] {
                let fields = MessageInput {
                    body: body.into(),
                    visibility: Some(visibility.into()),
                    status: None,
                }
                .validate()?;
                self.store
                    .helpdesk().add_ticket_message(&scope, ticket.id, MessageAuthor::Staff(admin), &fields, None)
                    .await?;
            }
        }
        Ok(())
    }

    /// The demo's portal login, when it has one.
    async fn demo_portal_email(&self, tenant: TenantId) -> Result<Option<String>, AppError> {
        let candidates = self.store.portal().portal_accounts(tenant, 1).await?;
        Ok(candidates.into_iter().next().map(|a| a.email))
    }

    /// A contact person of the demo with a portal account (the demo
    /// password) and organisation access: the portal to try at once.
    async fn seed_demo_portal(
        &self,
        tenant: TenantId,
        admin: UserId,
    ) -> Result<Option<String>, AppError> {
        let scope = Scope::new(
            tenant,
            Actor {
                kind: ActorKind::User,
                id: admin.0,
            },
        );
        // The requester of an open ticket, so that the portal has something
        // to show.
        let open = self
            .store
            .helpdesk()
            .list_tickets(
                tenant,
                &ListQuery {
                    limit: 50,
                    kind: Some("active".into()),
                    ..Default::default()
                },
            )
            .await?;
        let mut chosen = None;
        for ticket in &open.items {
            let Some(id) = ticket.contact_id else {
                continue;
            };
            let contact = self.store.records::<Contact>().get(tenant, id).await?;
            if !contact.emails.is_empty() && contact.organisation_id.is_some() {
                chosen = Some(contact);
                break;
            }
        }
        let Some(contact) = chosen else {
            return Ok(None);
        };
        let email = contact.emails[0].to_lowercase();
        let secret = crate::secrets::random_token();
        let text = custodian_core::portal::invitation_mail(
            DEMO_TENANT,
            &self.mailer.link("/portal/login"),
        );
        self.store
            .portal()
            .invite_to_portal(
                &scope,
                contact.id,
                &email,
                admin,
                &crate::secrets::sha256_hex(&secret),
                Timestamp(Timestamp::now().0 + 3_600_000),
                &custodian_store::NewMail {
                    contact_id: Some(contact.id),
                    recipient: email.clone(),
                    subject: text.subject,
                    body: text.body,
                    purpose: custodian_core::mail::MailPurpose::PortalInvitation,
                    about: Some((custodian_core::audit::RecordType::Contact, contact.id.0)),
                    secret_link: None,
                },
            )
            .await?;
        let hash = crate::secrets::hash_password(DEMO_PASSWORD.to_string()).await?;
        let contact_scope = Scope::new(
            tenant,
            Actor {
                kind: ActorKind::Contact,
                id: contact.id.0,
            },
        );
        self.store
            .portal()
            .accept_portal_invitation(tenant, &crate::secrets::sha256_hex(&secret), &hash, |_| {
                contact_scope
            })
            .await?
            .map_err(AppError::PortalLink)?;
        self.store
            .portal()
            .set_portal_access(&scope, contact.id, true, true)
            .await?;
        Ok(Some(email))
    }

    /// Makes sure the demo tenant exists with its logins and data.
    pub async fn ensure_demo(&self) -> Result<DemoLogin, AppError> {
        if let Some(tenant) = self.store.find_tenant_by_name(DEMO_TENANT).await? {
            self.ensure_demo_support_user(tenant.id).await?;
            return Ok(DemoLogin {
                tenant: tenant.id,
                email: DEMO_EMAIL,
                password: DEMO_PASSWORD,
                created: false,
                portal_email: self.demo_portal_email(tenant.id).await?,
            });
        }
        let tenant = self.create_tenant(DEMO_TENANT).await?;
        let user = self
            .create_user(
                tenant.id,
                DEMO_EMAIL,
                "Dana Demo",
                DEMO_PASSWORD,
                Role::Administrator,
                Actor::SYSTEM,
            )
            .await?;
        let volume = Volume {
            organisations: 30,
            contacts: 160,
            activities: 520,
            assets: 60,
            agreements: 40,
            tickets: 45,
        };
        self.generate(tenant.id, Some(user.id), &volume, |_| {})
            .await?;
        self.ensure_demo_support_user(tenant.id).await?;
        self.seed_demo_privacy(tenant.id, user.id).await?;
        self.seed_demo_helpdesk(tenant.id, user.id).await?;
        let portal_email = self.seed_demo_portal(tenant.id, user.id).await?;
        Ok(DemoLogin {
            tenant: tenant.id,
            email: DEMO_EMAIL,
            password: DEMO_PASSWORD,
            created: true,
            portal_email,
        })
    }

    /// Bulk synthetic data; `progress` is called with the number of records
    /// written so far.
    pub async fn generate(
        &self,
        tenant: TenantId,
        author: Option<UserId>,
        volume: &Volume,
        progress: impl Fn(u64),
    ) -> Result<(), AppError> {
        let scope = Scope::new(tenant, Actor::SYSTEM);
        self.store.tenant(tenant).await?;
        let mut rng = Rng(tenant.0 as u64 ^ 0x5eed);
        let mut load = Loader::start(&self.store, scope).await?;
        let mut organisations = Vec::new();
        for n in 0..volume.organisations {
            let mut fields = organisation_input(&mut rng, n).validate()?;
            // The author owns what is generated, as a user owns what they create.
            fields.owner_id = author;
            let id = load.batch.create::<Organisation>(&fields).await?;
            organisations.push((id, fields.name));
            load = load.written(&progress).await?;
        }
        let mut contacts = Vec::new();
        for n in 0..volume.contacts {
            let org = (!organisations.is_empty()).then(|| {
                let (id, name) = &organisations[rng.below(organisations.len())];
                (*id, name.as_str())
            });
            let mut fields = contact_input(&mut rng, n, org).validate()?;
            fields.owner_id = author;
            let id = load.batch.create::<Contact>(&fields).await?;
            contacts.push((id, fields.organisation_id));
            load = load.written(&progress).await?;
        }
        let now = Timestamp::now().0;
        for n in 0..volume.activities {
            let Some(&(contact, _)) = contacts.get(rng.below(contacts.len())) else {
                break;
            };
            let fields = activity_input(&mut rng, contact, now, n, volume.activities).validate()?;
            load.batch.create_activity(author, &fields).await?;
            load = load.written(&progress).await?;
        }
        for n in 0..volume.assets {
            let Some(&(contact, org)) = contacts.get(rng.below(contacts.len())) else {
                break;
            };
            let input = AssetInput {
                product_name: rng.pick(PRODUCTS).into(),
                serial_number: format!("SN-{:08}", 10_000_000 + n * 131 + rng.below(100)),
                control_code: Some(format!("CC-{:04}", rng.below(10_000))),
                organisation_id: org,
                contact_id: Some(contact),
            };
            load.batch.create::<Asset>(&input.validate()?).await?;
            load = load.written(&progress).await?;
        }
        for n in 0..volume.agreements {
            let Some((org, _)) = organisations.get(n % organisations.len().max(1)) else {
                break;
            };
            let year = 2024 + rng.below(3);
            let status = match year {
                2024 => "expired",
                _ if rng.below(5) == 0 => "draft",
                _ => "active",
            };
            let input = AgreementInput {
                title: format!(
                    "{} {year}",
                    rng.pick(&[
                        "Support contract",
                        "Maintenance agreement",
                        "Licence agreement",
                        "Framework contract"
                    ])
                ),
                organisation_id: Some(*org),
                start_date: format!("{year}-{:02}-01", 1 + rng.below(12)),
                end_date: Some(format!("{}-12-31", year + 1)),
                value: format!("{}.00", 1_000 + rng.below(99) * 500),
                currency: "EUR".into(),
                status: status.into(),
            };
            load.batch.create::<Agreement>(&input.validate()?).await?;
            load = load.written(&progress).await?;
        }
        for _ in 0..volume.tickets {
            let Some(&(contact, _)) = contacts.get(rng.below(contacts.len())) else {
                break;
            };
            // About half are the author's, so their home page has work on it.
            let assignee = author.filter(|_| rng.below(2) == 0);
            let fields = ticket_input(&mut rng, contact, assignee).validate()?;
            load.batch.create_ticket(author, &fields).await?;
            load = load.written(&progress).await?;
        }
        load.finish(&progress).await
    }
}

const TICKET_SUBJECTS: &[(&str, &str, &str)] = &[
    (
        "Printer shows error E-23 after the update",
        "Since yesterday's firmware update the printer in the second floor office stops with E-23.",
        "Hardware",
    ),
    (
        "Invoice lists the wrong billing address",
        "The last invoice still names our old office address.",
        "Billing",
    ),
    (
        "Cannot log in to the licence portal",
        "Our administrator gets 'account locked' on every attempt.",
        "Accounts",
    ),
    (
        "Request for an on-site training",
        "Three new colleagues need an introduction to the scanner workflow.",
        "Training",
    ),
    (
        "Spare toner cartridges",
        "Please send two black cartridges for the office printer.",
        "Orders",
    ),
    (
        "Maintenance visit: new date needed",
        "The planned maintenance collides with our stocktaking; can we move it?",
        "Service",
    ),
];

/// The demo's canned replies: answers support starts a reply with.
const DEMO_CANNED_REPLIES: [(&str, &str); 3] = [
    (
        "We are on it",
        "Thank you for your message. We are looking into it and will get back to you today.",
    ),
    (
        "Parts ordered",
        "We have ordered the spare part. It should arrive within three working days; we will call you to arrange the repair.",
    ),
    (
        "Solved? Please confirm",
        "We believe this is solved now. Please let us know if anything is still not working; otherwise we will close the ticket in a week.",
    ),
];

/// The demo's published FAQ articles: what customers see in the portal.
const DEMO_FAQ: [(&str, &str, &str); 3] = [
    (
        "How do I reset my password for the customer portal?",
        "Open the portal's sign-in page and choose \"Send me a sign-in link\". The link in the email works once, for one hour; then choose a new password on your account page.",
        "Portal",
    ),
    (
        "The device shows error E-42 after an update. What can I do?",
        "Switch the device off, wait ten seconds and switch it on again. If E-42 stays, raise a ticket with the device's serial number and a photo of the display.",
        "Devices",
    ),
    (
        "Where do I find my invoices?",
        "Invoices are sent to the billing address of your organisation. Ask us in a ticket for a copy; we answer within one working day.",
        "Billing",
    ),
];

fn ticket_input(rng: &mut Rng, contact: ContactId, assignee: Option<UserId>) -> TicketInput {
    let (subject, description, category) = TICKET_SUBJECTS[rng.below(TICKET_SUBJECTS.len())];
    TicketInput {
        subject: subject.into(),
        description: Some(description.into()),
        status: Some(
            rng.pick(&[
                "new", "new", "open", "open", "pending", "resolved", "closed",
            ])
            .into(),
        ),
        priority: Some(
            rng.pick(&["low", "normal", "normal", "normal", "high", "urgent"])
                .into(),
        ),
        category: Some(category.into()),
        organisation_id: None,
        contact_id: Some(contact),
        assignee_id: assignee,
    }
}

/// Records per transaction in a bulk load: large enough that the commit's
/// sync costs little, small enough that other writers wait briefly.
const BATCH_SIZE: u64 = 1_000;

/// Writes generated records in transactions of `BATCH_SIZE`.
struct Loader<'s> {
    store: &'s Store,
    scope: Scope,
    batch: Batch<'s>,
    written: u64,
}

impl<'s> Loader<'s> {
    async fn start(store: &'s Store, scope: Scope) -> Result<Loader<'s>, AppError> {
        Ok(Loader {
            store,
            batch: store.begin_batch(&scope).await?,
            scope,
            written: 0,
        })
    }

    /// Counts one record; commits and starts the next transaction when the
    /// batch is full. SQLite allows one writer, so the commit comes first.
    async fn written(self, progress: &impl Fn(u64)) -> Result<Loader<'s>, AppError> {
        let written = self.written + 1;
        if !written.is_multiple_of(BATCH_SIZE) {
            return Ok(Loader { written, ..self });
        }
        let Loader {
            store,
            scope,
            batch,
            ..
        } = self;
        batch.commit().await?;
        // Statistics after 1, 2, 4, 8 … batches: each time the data doubled.
        if (written / BATCH_SIZE).is_power_of_two() {
            store.refresh_statistics().await?;
        }
        progress(written);
        Ok(Loader {
            store,
            batch: store.begin_batch(&scope).await?,
            scope,
            written,
        })
    }

    async fn finish(self, progress: &impl Fn(u64)) -> Result<(), AppError> {
        self.batch.commit().await?;
        self.store.refresh_statistics().await?;
        progress(self.written);
        Ok(())
    }
}
