//! Security rules of the use cases that hold whatever the storage.
//!
//! Guessing passwords in parallel: every attempt is counted before its
//! password is checked, so a burst of guesses sent together is held to the
//! same allowance as guesses sent one after another, on the back office
//! and the portal; and a guesser from one address does not lock out the
//! account's owner signing in from another.
//!
//! Reads are recorded in every build an operator runs, whatever the
//! environment says.

use custodian_app::{App, AppError};
use futures_free_join::join_all;

/// `join_all` without a futures crate: polls every attempt on this task, in
/// the order given, as a burst of requests arriving together would be.
mod futures_free_join {
    use std::future::Future;
    use std::pin::Pin;

    pub async fn join_all<T>(futures: Vec<Pin<Box<dyn Future<Output = T> + Send + '_>>>) -> Vec<T> {
        let mut handles: Vec<_> = futures.into_iter().map(Some).collect();
        let mut results: Vec<Option<T>> = (0..handles.len()).map(|_| None).collect();
        std::future::poll_fn(|cx| {
            let mut pending = false;
            for (slot, result) in handles.iter_mut().zip(results.iter_mut()) {
                if let Some(future) = slot {
                    match future.as_mut().poll(cx) {
                        std::task::Poll::Ready(value) => {
                            *result = Some(value);
                            *slot = None;
                        }
                        std::task::Poll::Pending => pending = true,
                    }
                }
            }
            if pending {
                std::task::Poll::Pending
            } else {
                std::task::Poll::Ready(())
            }
        })
        .await;
        results.into_iter().flatten().collect()
    }
}

async fn demo_app() -> (App, custodian_app::demo::DemoLogin, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let app = App::open(&format!("sqlite://{}/throttle.db", dir.path().display()))
        .await
        .unwrap();
    let demo = app.ensure_demo().await.unwrap();
    (app, demo, dir)
}

#[tokio::test]
async fn a_burst_of_guesses_with_the_right_password_last_does_not_log_in() {
    let (app, demo, _dir) = demo_app().await;
    let mut attempts = Vec::new();
    for _ in 0..18 {
        attempts.push(
            Box::pin(app.login(demo.email, "wrong password", "192.0.2.7", None, ""))
                as std::pin::Pin<Box<dyn std::future::Future<Output = _> + Send>>,
        );
    }
    attempts.push(Box::pin(app.login(
        demo.email,
        demo.password,
        "192.0.2.7",
        None,
        "",
    )));
    let results = join_all(attempts).await;
    let checked = results
        .iter()
        .filter(|r| matches!(r, Err(AppError::BadCredentials)))
        .count();
    let refused = results
        .iter()
        .filter(|r| matches!(r, Err(AppError::TooManyAttempts { .. })))
        .count();
    assert!(
        results.last().is_some_and(|r| r.is_err()),
        "the right password, sent with 18 wrong ones, logged in"
    );
    assert_eq!(checked, 5, "only the allowance is checked");
    assert_eq!(refused, 14);

    // The owner, from another address, still gets in.
    assert!(app
        .login(demo.email, demo.password, "198.51.100.1", None, "")
        .await
        .is_ok());
}

#[tokio::test]
async fn a_burst_of_portal_guesses_is_held_the_same_way() {
    let (app, demo, _dir) = demo_app().await;
    let email = demo.portal_email.clone().unwrap();
    let mut attempts = Vec::new();
    for _ in 0..18 {
        attempts.push(Box::pin(app.portal().portal_login(
            &email,
            "wrong password",
            "192.0.2.8",
            None,
        ))
            as std::pin::Pin<Box<dyn std::future::Future<Output = _> + Send>>);
    }
    attempts.push(Box::pin(app.portal().portal_login(
        &email,
        demo.password,
        "192.0.2.8",
        None,
    )));
    let results = join_all(attempts).await;
    assert!(
        results.last().is_some_and(|r| r.is_err()),
        "the right portal password, sent with 18 wrong ones, signed in"
    );
    assert_eq!(
        results
            .iter()
            .filter(|r| matches!(r, Err(AppError::BadCredentials)))
            .count(),
        5
    );
    assert!(app
        .portal()
        .portal_login(&email, demo.password, "198.51.100.2", None)
        .await
        .is_ok());
}

#[tokio::test]
async fn many_accounts_behind_one_address_are_not_locked_by_one_guesser() {
    let (app, demo, _dir) = demo_app().await;
    // A guesser at the office's proxy address tries twenty accounts once each.
    for n in 0..20 {
        let email = format!("nobody{n}@custodian.example");
        assert!(matches!(
            app.login(&email, "guess", "203.0.113.9", None, "").await,
            Err(AppError::BadCredentials)
        ));
    }
    // A colleague behind the same address still signs in.
    assert!(app
        .login(demo.email, demo.password, "203.0.113.9", None, "")
        .await
        .is_ok());
}

#[tokio::test]
async fn the_benchmark_switch_does_not_stop_read_auditing() {
    // Set before the app starts its read recorder, as an operator would.
    std::env::set_var("CUSTODIAN_BENCH_UNAUDITED_READS", "1");
    let (app, demo, _dir) = demo_app().await;
    let session = app
        .login(demo.email, demo.password, "127.0.0.1", None, "")
        .await
        .unwrap();
    let principal = app
        .session(&session.cookie_value)
        .await
        .unwrap()
        .unwrap()
        .principal;
    let page = app
        .contacts(&principal, &custodian_app::records::ListParams::default())
        .await
        .unwrap();
    assert!(!page.items.is_empty());
    let trail = app
        .audit()
        .audit_trail(
            &principal,
            &custodian_app::audit::TrailParams {
                record_type: Some("contact".into()),
                action: Some("list".into()),
                user_id: Some(principal.user_id.0),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert!(
        !trail.entries.is_empty(),
        "a list of contacts left no entry in the trail"
    );
}
