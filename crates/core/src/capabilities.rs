//! `capabilities!`: a layer's service (the app, the store) split by
//! capability into views, `app.privacy().erase_subject(…)`. Each view is a
//! `Copy` wrapper of a reference that reaches the shared parts through
//! `Deref`; its methods take `self`, so a future they return borrows the
//! service, not the temporary view.

/// `capabilities!(App; /// doc  Privacy => privacy, …)` declares the view
/// types and the service's accessors.
#[macro_export]
macro_rules! capabilities {
    ($service:ident; $($(#[$doc:meta])* $name:ident => $accessor:ident),* $(,)?) => {
        $(
            $(#[$doc])*
            #[derive(Clone, Copy)]
            pub struct $name<'a>(&'a $service);

            impl std::ops::Deref for $name<'_> {
                type Target = $service;
                fn deref(&self) -> &$service {
                    self.0
                }
            }
        )*

        impl $service {
            $(
                pub fn $accessor(&self) -> $name<'_> {
                    $name(self)
                }
            )*
        }
    };
}
