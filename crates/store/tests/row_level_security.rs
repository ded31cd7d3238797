//! PostgreSQL's row-level security is the second wall between tenants: even
//! SQL that forgets its `tenant_id` condition sees and changes only the
//! tenant named in the transaction. Policies do not bind superusers, so this
//! test connects as an ordinary role, as a production server should.
//! Needs CUSTODIAN_TEST_POSTGRES_URL; skipped without it.

use custodian_core::audit::{Actor, ActorKind};
use custodian_core::contacts::Contact;
use custodian_core::contacts::ContactInput;
use custodian_store::{Scope, Store};
use sqlx::{AnyConnection, Connection, Executor, Row};

fn contact(last: &str) -> ContactInput {
    ContactInput {
        first_name: "Test".into(),
        last_name: last.into(),
        ..Default::default()
    }
}

#[tokio::test]
async fn an_ordinary_role_sees_only_the_tenant_of_its_transaction() {
    let Some(url) = custodian_store::testing::fresh_postgres_url().await else {
        return;
    };
    let store = Store::connect(&url).await.unwrap();
    store.migrate().await.unwrap();
    let actor = Actor {
        kind: ActorKind::User,
        id: 1,
    };
    let alpha = store.create_tenant("Alpha GmbH").await.unwrap();
    let beta = store.create_tenant("Beta Ltd").await.unwrap();
    for (tenant, name) in [(alpha.id, "Alpha"), (beta.id, "Beta")] {
        store
            .records::<Contact>()
            .create(
                &Scope::new(tenant, actor),
                &contact(name).validate().unwrap(),
            )
            .await
            .unwrap();
    }

    // An ordinary role with the rights a production server needs.
    let role = format!("custodian_rls_{}", std::process::id());
    let mut admin = AnyConnection::connect(&url).await.unwrap();
    admin
        .execute(format!("DROP ROLE IF EXISTS {role}").as_str())
        .await
        .ok();
    admin
        .execute(format!("CREATE ROLE {role} LOGIN NOSUPERUSER NOBYPASSRLS").as_str())
        .await
        .unwrap();
    admin
        .execute(
            format!(
                "GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {role}"
            )
            .as_str(),
        )
        .await
        .unwrap();
    let (scheme_and_user, rest) = url.split_once('@').unwrap();
    let scheme = scheme_and_user.split("//").next().unwrap();
    let role_url = format!("{scheme}//{role}@{rest}");

    let outcome = async {
        let mut conn = AnyConnection::connect(&role_url).await.unwrap();

        // Without a tenant in the transaction: nothing.
        let unscoped: i64 = sqlx::query("SELECT COUNT(*) AS n FROM contacts")
            .fetch_one(&mut conn)
            .await
            .unwrap()
            .get("n");
        assert_eq!(unscoped, 0);

        // Scoped to Alpha: a query without a tenant condition sees and
        // changes Alpha's contact only.
        let mut tx = conn.begin().await.unwrap();
        sqlx::query("SELECT set_config('app.tenant_id', $1, true)")
            .bind(alpha.id.0.to_string())
            .execute(&mut *tx)
            .await
            .unwrap();
        let names: Vec<String> = sqlx::query("SELECT last_name FROM contacts")
            .fetch_all(&mut *tx)
            .await
            .unwrap()
            .iter()
            .map(|r| r.get("last_name"))
            .collect();
        assert_eq!(names, vec!["Alpha".to_string()]);
        let changed = sqlx::query("UPDATE contacts SET position = 'changed'")
            .execute(&mut *tx)
            .await
            .unwrap()
            .rows_affected();
        assert_eq!(changed, 1);
        tx.commit().await.unwrap();

        // Writing a row into another tenant is refused.
        let mut tx = conn.begin().await.unwrap();
        sqlx::query("SELECT set_config('app.tenant_id', $1, true)")
            .bind(alpha.id.0.to_string())
            .execute(&mut *tx)
            .await
            .unwrap();
        let foreign = sqlx::query(
            "INSERT INTO organisations (tenant_id, organisation_id, name, created_at, updated_at, version)
             VALUES ($1, 42, 'Smuggled', 0, 0, 1)",
        )
        .bind(beta.id.0)
        .execute(&mut *tx)
        .await;
        assert!(foreign.is_err(), "an insert into another tenant must fail");
        tx.rollback().await.unwrap();
        conn.close().await.unwrap();
    };
    outcome.await;

    // The committed update reached Alpha's contact and not Beta's.
    let alpha_positions: Vec<Option<String>> =
        sqlx::query("SELECT position FROM contacts WHERE tenant_id = $1")
            .bind(alpha.id.0)
            .fetch_all(&mut admin)
            .await
            .unwrap()
            .iter()
            .map(|r| r.get("position"))
            .collect();
    assert_eq!(alpha_positions, vec![Some("changed".to_string())]);
    let beta_positions: Vec<Option<String>> =
        sqlx::query("SELECT position FROM contacts WHERE tenant_id = $1")
            .bind(beta.id.0)
            .fetch_all(&mut admin)
            .await
            .unwrap()
            .iter()
            .map(|r| r.get("position"))
            .collect();
    assert_eq!(beta_positions, vec![None]);

    admin
        .execute(format!("DROP OWNED BY {role}").as_str())
        .await
        .unwrap();
    admin
        .execute(format!("DROP ROLE {role}").as_str())
        .await
        .unwrap();
}
