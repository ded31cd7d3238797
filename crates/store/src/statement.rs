//! The store's few shapes of running SQL, so each query says only what is its
//! own: the statement, its parameters and how a row becomes a value.
//! `bind_all` binds a tuple of parameters in order; `read_rows`/`read_row`/`read_maybe`
//! run one read statement inside a tenant and map its rows.

use crate::{Store, StoreError};
use custodian_core::Refusal;
use custodian_core::TenantId;
use sqlx::any::{AnyArguments, AnyRow};
use sqlx::query::{QueryAs, QueryScalar};
use sqlx::{Any, Encode, Type};

/// A statement of sqlx's `Any` driver with its parameters bound.
pub(crate) type Statement<'q> = sqlx::query::Query<'q, Any, AnyArguments<'q>>;

/// A statement that takes parameters one by one (sqlx's `query`,
/// `query_scalar` and `query_as`).
pub(crate) trait Bindable<'q>: Sized {
    fn bind_value<T: 'q + Encode<'q, Any> + Type<Any>>(self, value: T) -> Self;

    /// Binds each value of the tuple in order to `$1`, `$2`, …:
    /// `sqlx::query("… $1 … $2").bind_all((tenant.0, id.0))`.
    fn bind_all(self, values: impl Parameters<'q>) -> Self {
        values.bind_to(self)
    }
}

/// A tuple of statement parameters.
pub(crate) trait Parameters<'q> {
    fn bind_to<S: Bindable<'q>>(self, statement: S) -> S;
}

impl<'q> Bindable<'q> for Statement<'q> {
    fn bind_value<T: 'q + Encode<'q, Any> + Type<Any>>(self, value: T) -> Self {
        self.bind(value)
    }
}

impl<'q, O> Bindable<'q> for QueryScalar<'q, Any, O, AnyArguments<'q>> {
    fn bind_value<T: 'q + Encode<'q, Any> + Type<Any>>(self, value: T) -> Self {
        self.bind(value)
    }
}

impl<'q, O> Bindable<'q> for QueryAs<'q, Any, O, AnyArguments<'q>> {
    fn bind_value<T: 'q + Encode<'q, Any> + Type<Any>>(self, value: T) -> Self {
        self.bind(value)
    }
}

macro_rules! tuple_parameters {
    ($($name:ident),+) => {
        impl<'q, $($name: 'q + Encode<'q, Any> + Type<Any>),+> Parameters<'q> for ($($name,)+) {
            #[allow(non_snake_case)]
            fn bind_to<S: Bindable<'q>>(self, statement: S) -> S {
                let ($($name,)+) = self;
                statement$(.bind_value($name))+
            }
        }
    };
}
tuple_parameters!(A, B);
tuple_parameters!(A, B, C);
tuple_parameters!(A, B, C, D);
tuple_parameters!(A, B, C, D, E);
tuple_parameters!(A, B, C, D, E, F);
tuple_parameters!(A, B, C, D, E, F, G);
tuple_parameters!(A, B, C, D, E, F, G, H);
tuple_parameters!(A, B, C, D, E, F, G, H, I);
tuple_parameters!(A, B, C, D, E, F, G, H, I, J);
tuple_parameters!(A, B, C, D, E, F, G, H, I, J, K);
tuple_parameters!(A, B, C, D, E, F, G, H, I, J, K, L);
tuple_parameters!(A, B, C, D, E, F, G, H, I, J, K, L, M);
tuple_parameters!(A, B, C, D, E, F, G, H, I, J, K, L, M, N);
tuple_parameters!(A, B, C, D, E, F, G, H, I, J, K, L, M, N, O);
tuple_parameters!(A, B, C, D, E, F, G, H, I, J, K, L, M, N, O, P);
tuple_parameters!(A, B, C, D, E, F, G, H, I, J, K, L, M, N, O, P, Q);

impl Store {
    /// Every row of one read statement inside `tenant`, each mapped by `map`.
    pub(crate) async fn read_rows<T>(
        &self,
        tenant: TenantId,
        statement: Statement<'_>,
        map: impl Fn(&AnyRow) -> Result<T, StoreError>,
    ) -> Result<Vec<T>, StoreError> {
        let mut reader = self.read_one(tenant).await?;
        let rows = statement.fetch_all(&mut *reader).await?;
        reader.commit().await?;
        rows.iter().map(map).collect()
    }

    /// The one row of a read statement inside `tenant`, or `None`.
    pub(crate) async fn read_maybe<T>(
        &self,
        tenant: TenantId,
        statement: Statement<'_>,
        map: impl Fn(&AnyRow) -> Result<T, StoreError>,
    ) -> Result<Option<T>, StoreError> {
        let mut reader = self.read_one(tenant).await?;
        let row = statement.fetch_optional(&mut *reader).await?;
        reader.commit().await?;
        row.as_ref().map(map).transpose()
    }

    /// The one row of a read statement inside `tenant`; NotFound when none.
    pub(crate) async fn read_row<T>(
        &self,
        tenant: TenantId,
        statement: Statement<'_>,
        map: impl Fn(&AnyRow) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        self.read_maybe(tenant, statement, map)
            .await?
            .ok_or(StoreError::Refused(Refusal::NotFound))
    }
}
