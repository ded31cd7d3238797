//! The store conformance suite: the same stories on SQLite (always) and on
//! PostgreSQL (when CUSTODIAN_TEST_POSTGRES_URL is set, as in CI).

use custodian_core::activities::ActivityInput;
use custodian_core::agreements::Agreement;
use custodian_core::agreements::AgreementInput;
use custodian_core::assets::Asset;
use custodian_core::assets::AssetInput;
use custodian_core::audit::{Actor, ActorKind, RecordType};
use custodian_core::catalog;
use custodian_core::contacts::Contact;
use custodian_core::contacts::ContactInput;
use custodian_core::organisations::Organisation;
use custodian_core::organisations::OrganisationInput;
use custodian_core::ContactId;
use custodian_core::Refusal;
use custodian_store::{Cursor, ListQuery, Scope, Store, StoreError};

/// A fresh database per test: a temp SQLite file, or a new PostgreSQL database.
struct TestDb {
    store: Store,
    _dir: Option<tempfile::TempDir>,
}

async fn sqlite() -> TestDb {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}/test.db", dir.path().display());
    let store = Store::connect(&url).await.unwrap();
    store.migrate().await.unwrap();
    TestDb {
        store,
        _dir: Some(dir),
    }
}

async fn postgres() -> Option<TestDb> {
    let url = custodian_store::testing::fresh_postgres_url().await?;
    let store = Store::connect(&url).await.unwrap();
    store.migrate().await.unwrap();
    Some(TestDb { store, _dir: None })
}

use custodian_store::on_both_backends;

/// The stories use the store; the fixture keeps its directory alive.
impl std::ops::Deref for TestDb {
    type Target = Store;
    fn deref(&self) -> &Store {
        &self.store
    }
}

fn user_actor() -> Actor {
    Actor {
        kind: ActorKind::User,
        id: 1,
    }
}

async fn two_tenants(store: &Store) -> (Scope, Scope) {
    let a = store.create_tenant("Alpha GmbH").await.unwrap();
    let b = store.create_tenant("Beta Ltd").await.unwrap();
    (
        Scope::new(a.id, user_actor()),
        Scope::new(b.id, user_actor()),
    )
}

fn organisation(name: &str, account: &str) -> OrganisationInput {
    OrganisationInput {
        name: name.into(),
        account_number: Some(account.into()),
        website: Some("https://acme.example".into()),
        ..Default::default()
    }
}

fn contact(first: &str, last: &str, email: &str) -> ContactInput {
    ContactInput {
        first_name: first.into(),
        last_name: last.into(),
        emails: vec![email.into()],
        phones: vec!["+49 30 1234567".into()],
        ..Default::default()
    }
}

async fn records_stay_inside_their_tenant(store: TestDb) {
    let (alpha, beta) = two_tenants(&store).await;
    let org = store
        .records::<Organisation>()
        .create(&alpha, &organisation("Acme", "A-1").validate().unwrap())
        .await
        .unwrap();
    let mut input = contact("Anna", "Schmidt", "anna.schmidt@acme.example");
    input.organisation_id = Some(org.id);
    let anna = store
        .records::<Contact>()
        .create(&alpha, &input.validate().unwrap())
        .await
        .unwrap();
    assert_eq!(anna.organisation_name.as_deref(), Some("Acme"));

    assert!(matches!(
        store.records::<Contact>().get(beta.tenant, anna.id).await,
        Err(StoreError::Refused(Refusal::NotFound))
    ));
    assert!(matches!(
        store
            .records::<Organisation>()
            .get(beta.tenant, org.id)
            .await,
        Err(StoreError::Refused(Refusal::NotFound))
    ));
    assert!(store
        .search(beta.tenant, "anna", 10)
        .await
        .unwrap()
        .is_empty());
    let beta_contacts = store
        .list_contacts(
            beta.tenant,
            &ListQuery {
                limit: 50,
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert!(beta_contacts.items.is_empty());
    // Beta cannot link to Alpha's organisation either.
    let mut foreign = contact("Eve", "Mallory", "eve@beta.example");
    foreign.organisation_id = Some(org.id);
    let refused = store
        .records::<Contact>()
        .create(&beta, &foreign.validate().unwrap())
        .await;
    assert!(matches!(
        refused,
        Err(StoreError::Refused(Refusal::UnknownReference {
            field: "organisation_id"
        }))
    ));
    assert!(matches!(
        store
            .records::<Contact>()
            .update(&beta, anna.id, None, &input.validate().unwrap())
            .await,
        Err(StoreError::Refused(Refusal::NotFound))
    ));
    assert!(matches!(
        store.records::<Contact>().delete(&beta, anna.id).await,
        Err(StoreError::Refused(Refusal::NotFound))
    ));
    assert_eq!(
        store
            .records::<Contact>()
            .get(alpha.tenant, anna.id)
            .await
            .unwrap()
            .first_name,
        "Anna"
    );
}
on_both_backends!(records_stay_inside_their_tenant);

async fn search_finds_by_name_email_phone_and_account(store: TestDb) {
    let (alpha, _) = two_tenants(&store).await;
    let org = store
        .records::<Organisation>()
        .create(
            &alpha,
            &organisation("Nordwind Logistik", "K-20931")
                .validate()
                .unwrap(),
        )
        .await
        .unwrap();
    let anna = store
        .records::<Contact>()
        .create(
            &alpha,
            &contact("Anna", "Schmidt", "anna.schmidt@nordwind.example")
                .validate()
                .unwrap(),
        )
        .await
        .unwrap();
    store
        .records::<Contact>()
        .create(
            &alpha,
            &contact("Bernd", "Weber", "b.weber@nordwind.example")
                .validate()
                .unwrap(),
        )
        .await
        .unwrap();

    for (typed, expected) in [
        ("Schm", anna.id.0),
        ("anna.schmidt@nord", anna.id.0),
        ("ann sch", anna.id.0),
        ("030 1234", anna.id.0),
        ("K-2093", org.id.0),
        ("nordwind log", org.id.0),
    ] {
        let hits = store.search(alpha.tenant, typed, 10).await.unwrap();
        assert!(
            hits.iter().any(|h| h.record_id == expected),
            "{typed} did not find {expected}: {hits:?}"
        );
    }
    assert!(store
        .search(alpha.tenant, "zzz", 10)
        .await
        .unwrap()
        .is_empty());

    // Renaming updates the index; deleting removes the entry.
    let mut renamed = anna.to_input();
    renamed.last_name = "Lindqvist".into();
    renamed.emails = vec!["anna.lindqvist@nordwind.example".into()];
    store
        .records::<Contact>()
        .update(
            &alpha,
            anna.id,
            Some(anna.version),
            &renamed.validate().unwrap(),
        )
        .await
        .unwrap();
    assert!(!store
        .search(alpha.tenant, "schmidt", 10)
        .await
        .unwrap()
        .iter()
        .any(|h| h.record_id == anna.id.0));
    assert!(store
        .search(alpha.tenant, "lindq", 10)
        .await
        .unwrap()
        .iter()
        .any(|h| h.record_id == anna.id.0));
    store
        .records::<Contact>()
        .delete(&alpha, anna.id)
        .await
        .unwrap();
    assert!(store
        .search(alpha.tenant, "lindq", 10)
        .await
        .unwrap()
        .is_empty());
}
on_both_backends!(search_finds_by_name_email_phone_and_account);

async fn stale_versions_and_duplicates_change_nothing(store: TestDb) {
    let (alpha, beta) = two_tenants(&store).await;
    let org = store
        .records::<Organisation>()
        .create(&alpha, &organisation("Acme", "A-1").validate().unwrap())
        .await
        .unwrap();
    let duplicate = store
        .records::<Organisation>()
        .create(&alpha, &organisation("Acme Two", "A-1").validate().unwrap())
        .await;
    assert!(matches!(
        duplicate,
        Err(StoreError::Refused(Refusal::Duplicate {
            field: "account_number"
        }))
    ));
    // Another tenant may use the same account number.
    store
        .records::<Organisation>()
        .create(&beta, &organisation("Other", "A-1").validate().unwrap())
        .await
        .unwrap();

    let mut first_edit = org.to_input();
    first_edit.name = "Acme Holding".into();
    let updated = store
        .records::<Organisation>()
        .update(
            &alpha,
            org.id,
            Some(org.version),
            &first_edit.validate().unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(updated.version, org.version + 1);
    let mut second_edit = org.to_input();
    second_edit.name = "Acme Stale".into();
    let stale = store
        .records::<Organisation>()
        .update(
            &alpha,
            org.id,
            Some(org.version),
            &second_edit.validate().unwrap(),
        )
        .await;
    assert!(
        matches!(stale, Err(StoreError::Refused(Refusal::VersionMismatch { current })) if current == updated.version)
    );
    assert_eq!(
        store
            .records::<Organisation>()
            .get(alpha.tenant, org.id)
            .await
            .unwrap()
            .name,
        "Acme Holding"
    );

    let audit = store
        .audit_trail()
        .audit_of_record(alpha.tenant, RecordType::Organisation, org.id.0, 10)
        .await
        .unwrap();
    let actions: Vec<&str> = audit.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(actions, ["update", "create"]);
    assert_eq!(audit[0].fields, ["name"]);
}
on_both_backends!(stale_versions_and_duplicates_change_nothing);

async fn timelines_and_pages(store: TestDb) {
    let (alpha, _) = two_tenants(&store).await;
    let org = store
        .records::<Organisation>()
        .create(&alpha, &organisation("Acme", "A-1").validate().unwrap())
        .await
        .unwrap();
    let mut ids = Vec::new();
    for i in 0..7 {
        let mut input = contact(
            "Person",
            &format!("Name{i:02}"),
            &format!("p{i}@acme.example"),
        );
        input.organisation_id = Some(org.id);
        ids.push(
            store
                .records::<Contact>()
                .create(&alpha, &input.validate().unwrap())
                .await
                .unwrap()
                .id,
        );
    }
    // Walk the list three at a time: every contact once, in name order,
    // each page counting the whole list; then back again page by page.
    let page_of = |after: Option<Cursor>| {
        let store = store.clone();
        async move {
            store
                .list_contacts(
                    alpha.tenant,
                    &ListQuery {
                        limit: 3,
                        after,
                        count: true,
                        ..Default::default()
                    },
                )
                .await
                .unwrap()
        }
    };
    let names = |page: &custodian_core::page::Page<Contact>| -> Vec<String> {
        page.items.iter().map(|c| c.last_name.clone()).collect()
    };
    let mut pages = Vec::new();
    let mut after = None;
    loop {
        let page = page_of(after.clone()).await;
        assert_eq!(
            page.total,
            Some(custodian_core::page::Count {
                at_least: 7,
                more: false
            })
        );
        assert_eq!(page.previous_cursor.is_some(), after.is_some());
        pages.push(names(&page));
        match page.next_cursor {
            Some(token) => after = Some(Cursor::decode(&token).unwrap()),
            None => break,
        }
    }
    assert_eq!(
        pages.concat(),
        (0..7).map(|i| format!("Name{i:02}")).collect::<Vec<_>>()
    );
    let mut back = page_of(after).await;
    let mut pages_back = vec![names(&back)];
    while let Some(token) = back.previous_cursor.clone() {
        back = page_of(Some(Cursor::decode(&token).unwrap())).await;
        assert!(back.next_cursor.is_some(), "a page before has one after");
        pages_back.push(names(&back));
    }
    pages_back.reverse();
    assert_eq!(pages_back, pages, "the same pages, walked back");

    for (hour, subject) in [(9, "First call"), (11, "Follow-up meeting")] {
        let input = ActivityInput {
            kind: "call".into(),
            occurred_at: format!("2026-11-20T{hour:02}:00:00Z"),
            subject: subject.into(),
            body: Some("Talked about renewal.".into()),
            contact_ids: vec![ids[0], ids[1]],
            organisation_id: None,
        };
        let activity = store
            .create_activity(&alpha, None, &input.validate().unwrap())
            .await
            .unwrap();
        assert_eq!(
            activity.organisation_id,
            Some(org.id),
            "organisation taken from the first contact"
        );
        assert_eq!(activity.contacts.len(), 2);
    }
    let timeline = store
        .list_activities(
            alpha.tenant,
            &ListQuery {
                limit: 10,
                contact_id: Some(ids[1].0),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let subjects: Vec<&str> = timeline.items.iter().map(|a| a.subject.as_str()).collect();
    assert_eq!(subjects, ["Follow-up meeting", "First call"]);
    let org_timeline = store
        .list_activities(
            alpha.tenant,
            &ListQuery {
                limit: 10,
                organisation_id: Some(org.id.0),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(org_timeline.items.len(), 2);
    let unknown = ActivityInput {
        kind: "note".into(),
        occurred_at: "2026-11-20T09:00:00Z".into(),
        subject: "x".into(),
        contact_ids: vec![ContactId(12345)],
        ..Default::default()
    };
    assert!(matches!(
        store
            .create_activity(&alpha, None, &unknown.validate().unwrap())
            .await,
        Err(StoreError::Refused(Refusal::UnknownReference {
            field: "contact_ids"
        }))
    ));

    // Assets and agreements hang off the organisation.
    let asset = AssetInput {
        product_name: "Router X200".into(),
        serial_number: "SN-0001".into(),
        control_code: Some("CC-9".into()),
        organisation_id: Some(org.id),
        contact_id: Some(ids[0]),
    };
    store
        .records::<Asset>()
        .create(&alpha, &asset.validate().unwrap())
        .await
        .unwrap();
    let agreement = AgreementInput {
        title: "Support 2027".into(),
        organisation_id: Some(org.id),
        start_date: "2027-01-01".into(),
        end_date: Some("2027-12-31".into()),
        value: "12500.00".into(),
        currency: "EUR".into(),
        status: "active".into(),
    };
    let agreement = store
        .records::<Agreement>()
        .create(&alpha, &agreement.validate().unwrap())
        .await
        .unwrap();
    assert_eq!(agreement.value, "12500.00");
    assert!(matches!(
        store.records::<Organisation>().delete(&alpha, org.id).await,
        Err(StoreError::Refused(Refusal::InUse(_)))
    ));
    store
        .records::<Agreement>()
        .delete(&alpha, agreement.id)
        .await
        .unwrap();
    store
        .records::<Organisation>()
        .delete(&alpha, org.id)
        .await
        .unwrap();
    assert_eq!(
        store
            .records::<Contact>()
            .get(alpha.tenant, ids[0])
            .await
            .unwrap()
            .organisation_id,
        None
    );
}
on_both_backends!(timelines_and_pages);

async fn catalog_classifies_every_live_column(store: TestDb) {
    // Migrating twice changes nothing.
    assert!(store.migrate().await.unwrap().is_empty());
    let live = store.live_columns().await.unwrap();
    let mut problems = Vec::new();
    for (table, column) in &live {
        if !catalog::CATALOG
            .iter()
            .any(|c| c.table == table && c.column == column)
        {
            problems.push(format!("{table}.{column} is not in the data catalog"));
        }
    }
    for entry in catalog::CATALOG {
        if !live
            .iter()
            .any(|(t, c)| t == entry.table && c == entry.column)
        {
            problems.push(format!(
                "{}.{} is in the catalog but not in the schema",
                entry.table, entry.column
            ));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
on_both_backends!(catalog_classifies_every_live_column);

on_both_backends!(names_sort_and_filter_as_people_expect);

async fn names_sort_and_filter_as_people_expect(store: TestDb) {
    let (alpha, _) = two_tenants(&store).await;
    for (first, last) in [
        ("Anna", "Zimmermann"),
        ("Ada", "Bergmann"),
        ("Zoe", "Berg"),
        ("Jan", "de Vries"),
        ("Zoe", "Müller"),
        ("Adam", "Muller"),
        ("Eva", "Ölberg"),
    ] {
        store
            .records::<Contact>()
            .create(
                &alpha,
                &contact(first, last, "x@example.com").validate().unwrap(),
            )
            .await
            .unwrap();
    }
    let list = |sort: &str, prefix: Option<&str>, limit: i64, after: Option<Cursor>| ListQuery {
        sort: Some(sort.into()),
        limit,
        name_prefix: prefix.map(str::to_string),
        after,
        ..Default::default()
    };
    // Case and accents do not matter; equal last names go by first name;
    // the order holds across pages.
    let first = store
        .list_contacts(alpha.tenant, &list("last_name", None, 4, None))
        .await
        .unwrap();
    let cursor = Cursor::decode(first.next_cursor.as_deref().unwrap()).unwrap();
    let rest = store
        .list_contacts(alpha.tenant, &list("last_name", None, 4, Some(cursor)))
        .await
        .unwrap();
    let names: Vec<String> = first
        .items
        .iter()
        .chain(rest.items.iter())
        .map(|c| format!("{} {}", c.first_name, c.last_name))
        .collect();
    assert_eq!(
        names,
        [
            "Zoe Berg",
            "Ada Bergmann",
            "Jan de Vries",
            "Adam Muller",
            "Zoe Müller",
            "Eva Ölberg",
            "Anna Zimmermann"
        ]
    );
    for (typed, expected) in [
        ("DE", 1),
        ("mü", 2),
        ("ol", 1),
        ("z", 1),
        ("berg", 2),
        ("x", 0),
    ] {
        let found = store
            .list_contacts(alpha.tenant, &list("last_name", Some(typed), 10, None))
            .await
            .unwrap();
        assert_eq!(found.items.len(), expected, "{typed}");
    }
    // Renaming moves a contact in the order.
    let ada = &rest.items[1];
    let renamed = contact("Ada", "Abbott", "x@example.com")
        .validate()
        .unwrap();
    store
        .records::<Contact>()
        .update(&alpha, ada.id, Some(ada.version), &renamed)
        .await
        .unwrap();
    let top = store
        .list_contacts(alpha.tenant, &list("last_name", None, 1, None))
        .await
        .unwrap();
    assert_eq!(top.items[0].last_name, "Abbott");
}

/// Tickets raised at the same moment (on SQLite they share commits): each
/// gets its own number with none skipped, one that fails (a contact that
/// does not exist) takes nothing of the others with it, and the audit
/// chain holds one entry per ticket, unbroken.
async fn tickets_raised_together_each_count(store: TestDb) {
    use custodian_core::audit::chain::ChainVerifier;
    use custodian_core::helpdesk::TicketInput;
    let (alpha, _) = two_tenants(&store).await;
    let before = store
        .audit_trail()
        .verify_audit_chain(
            alpha.tenant,
            i64::MAX,
            ChainVerifier::new(alpha.tenant.0, Vec::new()),
        )
        .await
        .unwrap()
        .checked;
    let org = store
        .records::<Organisation>()
        .create(&alpha, &organisation("Acme", "A-1").validate().unwrap())
        .await
        .unwrap();
    let mut raised = Vec::new();
    for n in 0..40 {
        let (store, scope) = (store.clone(), alpha.clone());
        raised.push(tokio::spawn(async move {
            let fields = TicketInput {
                subject: format!("Ticket {n}"),
                organisation_id: Some(org.id),
                contact_id: (n % 10 == 3).then_some(ContactId(424_242)),
                ..Default::default()
            }
            .validate()
            .unwrap();
            store.helpdesk().create_ticket(&scope, None, &fields).await
        }));
    }
    let (mut numbers, mut refused) = (Vec::new(), 0);
    for handle in raised {
        match handle.await.unwrap() {
            Ok(ticket) => numbers.push(ticket.number),
            Err(StoreError::Refused(Refusal::UnknownReference { field })) => {
                assert_eq!(field, "contact_id");
                refused += 1;
            }
            Err(other) => panic!("{other}"),
        }
    }
    assert_eq!(refused, 4);
    numbers.sort_unstable();
    assert_eq!(numbers, (1..=36).collect::<Vec<i64>>());
    let walk = store
        .audit_trail()
        .verify_audit_chain(
            alpha.tenant,
            i64::MAX,
            ChainVerifier::new(alpha.tenant.0, Vec::new()),
        )
        .await
        .unwrap();
    assert!(walk.broken.is_none(), "{:?}", walk.broken);
    assert_eq!(
        walk.checked - before,
        37,
        "the organisation's entry and one per ticket kept"
    );
}

on_both_backends!(tickets_raised_together_each_count);
