//! Group commit on SQLite: writes that arrive while another is committing
//! share the next write transaction, and so its one fsync. SQLite has one
//! writer and `synchronous = FULL` syncs on every commit, so a create
//! costs a disk flush; grouping turns N flushes into one without weakening
//! what a success means (the caller is answered only after the commit).
//!
//! One task takes the queued writes in turn: it waits for the first, takes
//! whatever else is queued by then (up to [`MOST_PER_GROUP`]), opens one
//! transaction and runs each write inside its own savepoint, so a write
//! that fails rolls back alone and is answered with its error at once.
//! The rest are answered after the commit, or all with its failure.

use crate::StoreError;
use sqlx::{Any, AnyPool, Transaction};
use std::any::Any as Anything;
use std::future::Future;
use std::pin::Pin;
use tokio::sync::{mpsc, oneshot};

/// Writes in one transaction at most: bounds how long one group holds the
/// write lock from readers' checkpoints and other writers.
const MOST_PER_GROUP: usize = 64;
/// Writes that may wait; senders beyond it wait for room.
const QUEUE: usize = 1024;

type Output = Result<Box<dyn Anything + Send>, StoreError>;

/// A write run inside the group's transaction.
pub(crate) type Work = Box<
    dyn for<'t> FnOnce(
            &'t mut Transaction<'static, Any>,
        ) -> Pin<Box<dyn Future<Output = Output> + Send + 't>>
        + Send,
>;

struct Job {
    work: Work,
    answer: oneshot::Sender<Output>,
}

/// The queue in front of the committing task.
#[derive(Clone)]
pub(crate) struct GroupCommit {
    queue: mpsc::Sender<Job>,
}

impl GroupCommit {
    /// Starts the task that commits for `writer` (the one write
    /// connection). It ends when the last queue handle is dropped.
    pub(crate) fn start(writer: AnyPool) -> GroupCommit {
        let (queue, jobs) = mpsc::channel(QUEUE);
        tokio::spawn(commit_groups(writer, jobs));
        GroupCommit { queue }
    }

    /// Runs `work` in the next group and answers once it is committed.
    pub(crate) async fn write<T, F>(&self, work: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: for<'t> FnOnce(
                &'t mut Transaction<'static, Any>,
            )
                -> Pin<Box<dyn Future<Output = Result<T, StoreError>> + Send + 't>>
            + Send
            + 'static,
    {
        let work: Work = Box::new(move |tx| {
            let future = work(tx);
            Box::pin(async move {
                future
                    .await
                    .map(|value| Box::new(value) as Box<dyn Anything + Send>)
            })
        });
        let (answer, answered) = oneshot::channel();
        self.queue
            .send(Job { work, answer })
            .await
            .map_err(|_| StoreError::GroupCommitStopped)?;
        let value = answered
            .await
            .map_err(|_| StoreError::GroupCommitStopped)??;
        value
            .downcast::<T>()
            .map(|value| *value)
            .map_err(|_| StoreError::Corrupt("a grouped write answered with another type"))
    }
}

async fn commit_groups(writer: AnyPool, mut jobs: mpsc::Receiver<Job>) {
    while let Some(first) = jobs.recv().await {
        let mut group = vec![first];
        while group.len() < MOST_PER_GROUP {
            match jobs.try_recv() {
                Ok(job) => group.push(job),
                Err(_) => break,
            }
        }
        // A group of its own task: should a write panic, its group's
        // callers are answered with an error and the next group goes on.
        let _ = tokio::spawn(commit_group(writer.clone(), group)).await;
    }
}

async fn commit_group(writer: AnyPool, group: Vec<Job>) {
    let mut tx = match writer.begin_with("BEGIN IMMEDIATE").await {
        Ok(tx) => tx,
        Err(error) => {
            let message = error.to_string();
            for job in group {
                let _ = job
                    .answer
                    .send(Err(StoreError::GroupCommitFailed(message.clone())));
            }
            return;
        }
    };
    let mut done = Vec::with_capacity(group.len());
    for job in group {
        if let Err(error) = sqlx::query("SAVEPOINT grouped_write")
            .execute(&mut *tx)
            .await
        {
            let _ = job.answer.send(Err(error.into()));
            continue;
        }
        match (job.work)(&mut tx).await {
            Ok(value) => match sqlx::query("RELEASE grouped_write").execute(&mut *tx).await {
                Ok(_) => done.push((job.answer, value)),
                Err(error) => {
                    let _ = job.answer.send(Err(error.into()));
                }
            },
            Err(error) => {
                // Only this write's changes go; the group carries on.
                let undone = sqlx::query("ROLLBACK TO grouped_write; RELEASE grouped_write")
                    .execute(&mut *tx)
                    .await;
                let _ = job.answer.send(Err(error));
                if let Err(error) = undone {
                    fail_all(done, &error.to_string());
                    return;
                }
            }
        }
    }
    match tx.commit().await {
        Ok(()) => {
            for (answer, value) in done {
                let _ = answer.send(Ok(value));
            }
        }
        Err(error) => fail_all(done, &error.to_string()),
    }
}

fn fail_all(done: Vec<(oneshot::Sender<Output>, Box<dyn Anything + Send>)>, message: &str) {
    for (answer, _) in done {
        let _ = answer.send(Err(StoreError::GroupCommitFailed(message.to_string())));
    }
}
