//! Opening the database: the URL picks the backend once, at start-up.

use crate::ids::IdGenerator;
use crate::{Store, StoreError};
use sqlx::any::AnyPoolOptions;
use sqlx::pool::PoolConnection;
use sqlx::{Any, AnyConnection, Executor, Transaction};
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn name(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        }
    }
}

const SQLITE_PRAGMAS: &str = "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; \
     PRAGMA foreign_keys = ON; PRAGMA secure_delete = ON; PRAGMA busy_timeout = 10000;";

/// A connection's page cache, in KiB.
const USUAL_CACHE_KIB: i64 = 8_192;

/// The write connection's page cache while a retention run sweeps, in KiB:
/// a batch changes pages all over the indexes, and with the usual 8 MiB
/// SQLite spills them to the log before the commit and reads them back.
const SWEEP_CACHE_KIB: i64 = 65_536;

impl Store {
    /// Connects to `sqlite://PATH` (created if missing) or `postgres://…`.
    pub async fn connect(url: &str) -> Result<Store, StoreError> {
        sqlx::any::install_default_drivers();
        let mut sqlite_file = None;
        let (backend, url) = if let Some(path) = url
            .strip_prefix("sqlite://")
            .or_else(|| url.strip_prefix("sqlite:"))
        {
            let (file, query) = path.split_once('?').unwrap_or((path, ""));
            if file.is_empty() {
                return Err(StoreError::UnsupportedUrl(
                    "sqlite:// needs a file path".into(),
                ));
            }
            if let Some(dir) = Path::new(file).parent() {
                if !dir.as_os_str().is_empty() {
                    std::fs::create_dir_all(dir)?;
                }
            }
            sqlite_file = Some(std::path::PathBuf::from(file));
            let query = if query.is_empty() {
                "mode=rwc".to_string()
            } else {
                query.to_string()
            };
            (Backend::Sqlite, format!("sqlite://{file}?{query}"))
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            (Backend::Postgres, url.to_string())
        } else {
            return Err(StoreError::UnsupportedUrl(
                "use sqlite://PATH or postgres://USER@HOST/DB".into(),
            ));
        };
        let open = |max_connections: u32| {
            AnyPoolOptions::new()
                .max_connections(max_connections)
                .acquire_timeout(Duration::from_secs(10))
                // A local file does not drop connections; skip the ping.
                .test_before_acquire(backend == Backend::Postgres)
                .after_connect(move |conn, _meta| {
                    Box::pin(async move {
                        if backend == Backend::Sqlite {
                            let cache = format!("PRAGMA cache_size = -{USUAL_CACHE_KIB};");
                            conn.execute(SQLITE_PRAGMAS).await?;
                            conn.execute(cache.as_str()).await?;
                        }
                        Ok(())
                    })
                })
                .connect(&url)
        };
        let (pool, writer) = match backend {
            // SQLite takes one writer at a time. Writers queue for the one
            // write connection in the pool's order instead of polling the
            // file lock (busy_timeout sleeps up to 100 ms per try), which
            // doubled create throughput and cut its tail latency.
            Backend::Sqlite => (open(8).await?, open(1).await?),
            Backend::Postgres => {
                let pool = open(16).await?;
                (pool.clone(), pool)
            }
        };
        let group_commit = (backend == Backend::Sqlite)
            .then(|| crate::group_commit::GroupCommit::start(writer.clone()));
        Ok(Store {
            pool,
            writer,
            backend,
            ids: Arc::new(IdGenerator::new()),
            sqlite_file,
            group_commit,
        })
    }

    /// On SQLite, gives the write connection a page cache fit for a
    /// retention sweep (`true`) or the usual one back (`false`); PostgreSQL
    /// sizes its own buffers.
    pub async fn sweep_cache(&self, sweeping: bool) -> Result<(), StoreError> {
        if self.backend != Backend::Sqlite {
            return Ok(());
        }
        let kib = if sweeping {
            SWEEP_CACHE_KIB
        } else {
            USUAL_CACHE_KIB
        };
        sqlx::raw_sql(&format!("PRAGMA cache_size = -{kib}"))
            .execute(&self.writer)
            .await?;
        Ok(())
    }

    /// A transaction inside one tenant. On PostgreSQL it also sets
    /// `app.tenant_id`, which the row-level security policies check.
    pub(crate) async fn begin(
        &self,
        tenant: custodian_core::TenantId,
    ) -> Result<Transaction<'static, Any>, StoreError> {
        let mut tx = match self.backend {
            // IMMEDIATE takes the write lock up front, so two writers queue
            // (busy_timeout) instead of failing on lock upgrade.
            Backend::Sqlite => self.writer.begin_with("BEGIN IMMEDIATE").await?,
            Backend::Postgres => self.writer.begin().await?,
        };
        if self.backend == Backend::Postgres {
            sqlx::query("SELECT set_config('app.tenant_id', $1, true)")
                .bind(tenant.0.to_string())
                .execute(&mut *tx)
                .await?;
        }
        Ok(tx)
    }

    /// A connection for one read statement inside one tenant. SQLite runs a
    /// single statement in its own snapshot, so it needs no BEGIN/COMMIT:
    /// two fewer hops to the driver's thread per read. PostgreSQL keeps the
    /// transaction, which carries the tenant for row-level security.
    pub(crate) async fn read_one(
        &self,
        tenant: custodian_core::TenantId,
    ) -> Result<Reader, StoreError> {
        Ok(match self.backend {
            Backend::Sqlite => Reader::Plain(self.pool.acquire().await?),
            Backend::Postgres => Reader::InTransaction(self.begin_read(tenant).await?),
        })
    }

    /// A read-only transaction inside one tenant, for reads of several
    /// statements that must see one snapshot.
    pub(crate) async fn begin_read(
        &self,
        tenant: custodian_core::TenantId,
    ) -> Result<Transaction<'static, Any>, StoreError> {
        let mut tx = self.pool.begin().await?;
        if self.backend == Backend::Postgres {
            sqlx::query("SELECT set_config('app.tenant_id', $1, true)")
                .bind(tenant.0.to_string())
                .execute(&mut *tx)
                .await?;
        }
        Ok(tx)
    }

    /// A transaction for the operator's own paths that span tenants (login
    /// lookup, migrations, tenant creation).
    pub(crate) async fn begin_operator(&self) -> Result<Transaction<'static, Any>, StoreError> {
        let mut tx = match self.backend {
            Backend::Sqlite => self.writer.begin_with("BEGIN IMMEDIATE").await?,
            Backend::Postgres => self.writer.begin().await?,
        };
        if self.backend == Backend::Postgres {
            sqlx::query("SELECT set_config('app.operator', 'on', true)")
                .execute(&mut *tx)
                .await?;
        }
        Ok(tx)
    }
}

/// See [`Store::read_one`].
pub(crate) enum Reader {
    Plain(PoolConnection<Any>),
    InTransaction(Transaction<'static, Any>),
}

impl Reader {
    pub(crate) async fn commit(self) -> Result<(), StoreError> {
        match self {
            Reader::Plain(_) => Ok(()),
            Reader::InTransaction(tx) => Ok(tx.commit().await?),
        }
    }
}

impl std::ops::Deref for Reader {
    type Target = AnyConnection;

    fn deref(&self) -> &AnyConnection {
        match self {
            Reader::Plain(connection) => connection,
            Reader::InTransaction(tx) => tx,
        }
    }
}

impl std::ops::DerefMut for Reader {
    fn deref_mut(&mut self) -> &mut AnyConnection {
        match self {
            Reader::Plain(connection) => connection,
            Reader::InTransaction(tx) => tx,
        }
    }
}
