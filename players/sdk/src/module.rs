//! The [`Player`] trait and the [`module!`](crate::module) macro that turns one into a
//! wasp module: the `wasp.abi` custom section and the `wasp_init` / `wasp_tick`
//! exports.

use wasp_abi::Status;

/// The player logic of a module. The runtime calls [`init`](Player::init) once, then
/// [`tick`](Player::tick) whenever the time it asked for comes or an event arrives.
pub trait Player {
    /// Builds the player (`wasp_init`). An error stops the module; its code is what
    /// `wasp_init` returns.
    ///
    /// # Errors
    /// Whatever keeps the player from starting.
    fn init() -> Result<Self, Status>
    where
        Self: Sized;

    /// Does a bounded amount of work at port time `now_us` (µs) and returns the port
    /// time of the next wanted tick (`i64::MAX`: only when an event arrives).
    fn tick(&mut self, now_us: i64) -> i64;
}

/// Declares a module: its ABI section and its exports.
///
/// ```
/// use wasp_guest::{Player, Status};
///
/// struct Hello;
///
/// impl Player for Hello {
///     fn init() -> Result<Self, Status> {
///         wasp_guest::info!("hello");
///         Ok(Hello)
///     }
///     fn tick(&mut self, now_us: i64) -> i64 {
///         now_us + 100_000
///     }
/// }
///
/// wasp_guest::module!(
///     player = Hello,
///     name = "hello",
///     version = env!("CARGO_PKG_VERSION"),
///     requires = wasp_guest::abi::player::feature::GRAPHICS,
/// );
/// ```
///
/// * `player`: a type implementing [`Player`], kept in one static for the module's
///   life (wasm modules are single-threaded);
/// * `name`, `version`: at most [`section::MAX_TEXT`](wasp_abi::section::MAX_TEXT)
///   bytes each, checked at compile time;
/// * `requires`: the [`feature`](wasp_abi::player::feature) bits the module cannot run
///   without; the runtime refuses it on a device that lacks one.
///
/// It emits (a) the custom section [`SECTION_NAME`](wasp_abi::section::SECTION_NAME)
/// encoded by [`section::encode`](wasp_abi::section::encode) with this SDK's
/// [`ABI_VERSION`](wasp_abi::ABI_VERSION), and (b) `wasp_init() -> i32` (0, or the
/// init error's code) and `wasp_tick(now_us: i64) -> i64` (`i64::MAX` before a
/// successful init).
#[macro_export]
macro_rules! module {
    (
        player = $player:ty,
        name = $name:expr,
        version = $version:expr,
        requires = $requires:expr $(,)?
    ) => {
        const _: () = {
            const NAME: &str = $name;
            const VERSION: &str = $version;
            const REQUIRES: u64 = $requires;
            const LEN: usize = $crate::abi::section::encoded_len(NAME, VERSION);

            // The attribute below needs a literal: it must be the ABI's section name.
            assert!($crate::__private::str_eq(
                "wasp.abi",
                $crate::abi::section::SECTION_NAME
            ));

            #[allow(unsafe_code)] // `link_section`: bytes the runtime reads, nothing else.
            #[cfg_attr(target_arch = "wasm32", link_section = "wasp.abi")]
            #[used]
            static WASP_ABI_SECTION: [u8; LEN] = $crate::abi::section::encode::<LEN>(
                $crate::abi::ABI_VERSION.major,
                $crate::abi::ABI_VERSION.minor,
                REQUIRES,
                NAME,
                VERSION,
            );

            static PLAYER: $crate::__private::PlayerCell<$player> =
                $crate::__private::PlayerCell::new();

            /// The module's `wasp_init` export.
            #[allow(unsafe_code)] // `no_mangle`: the export name is the ABI's.
            #[no_mangle]
            pub extern "C" fn wasp_init() -> i32 {
                PLAYER.init()
            }

            /// The module's `wasp_tick` export.
            #[allow(unsafe_code)] // `no_mangle`: the export name is the ABI's.
            #[no_mangle]
            pub extern "C" fn wasp_tick(now_us: i64) -> i64 {
                PLAYER.tick(now_us)
            }

            // The exported names are the ABI's.
            assert!($crate::__private::str_eq(
                stringify!(wasp_init),
                $crate::abi::EXPORT_INIT
            ));
            assert!($crate::__private::str_eq(
                stringify!(wasp_tick),
                $crate::abi::EXPORT_TICK
            ));
        };
    };
}

#[cfg(all(target_arch = "wasm32", target_feature = "atomics"))]
compile_error!("wasp modules are single-threaded: build without the `atomics` target feature");

/// Where a module keeps its player between exports.
#[doc(hidden)]
pub struct PlayerCell<P> {
    #[cfg(target_arch = "wasm32")]
    player: core::cell::RefCell<Option<P>>,
    #[cfg(not(target_arch = "wasm32"))]
    player: std::sync::Mutex<Option<P>>,
}

// SAFETY: on wasm32 without the `atomics` feature (refused above) there is one thread,
// so the cell is never shared between threads; the `RefCell` still refuses a re-entrant
// export call rather than alias the player.
#[cfg(target_arch = "wasm32")]
#[allow(unsafe_code)]
unsafe impl<P> Sync for PlayerCell<P> {}

impl<P: Player> PlayerCell<P> {
    /// An empty cell.
    #[allow(clippy::new_without_default)]
    pub const fn new() -> Self {
        Self {
            #[cfg(target_arch = "wasm32")]
            player: core::cell::RefCell::new(None),
            #[cfg(not(target_arch = "wasm32"))]
            player: std::sync::Mutex::new(None),
        }
    }

    /// `wasp_init`: builds the player once; 0 or a status code.
    pub fn init(&self) -> i32 {
        self.with(|slot| match slot {
            Some(_) => Status::InvalidState.code(),
            None => match P::init() {
                Ok(player) => {
                    *slot = Some(player);
                    0
                }
                Err(status) => status.code(),
            },
        })
        .unwrap_or(Status::InvalidState.code())
    }

    /// `wasp_tick`: drives the player; `i64::MAX` when there is none.
    pub fn tick(&self, now_us: i64) -> i64 {
        self.with(|slot| match slot {
            Some(player) => player.tick(now_us),
            None => i64::MAX,
        })
        .unwrap_or(i64::MAX)
    }

    /// Runs `f` on the slot; `None` if it is in use (a re-entrant call) or poisoned.
    fn with<R>(&self, f: impl FnOnce(&mut Option<P>) -> R) -> Option<R> {
        #[cfg(target_arch = "wasm32")]
        let mut slot = self.player.try_borrow_mut().ok()?;
        #[cfg(not(target_arch = "wasm32"))]
        let mut slot = self.player.lock().ok()?;
        Some(f(&mut slot))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Counter(i64);

    impl Player for Counter {
        fn init() -> Result<Self, Status> {
            Ok(Counter(0))
        }
        fn tick(&mut self, now_us: i64) -> i64 {
            self.0 += 1;
            now_us + self.0
        }
    }

    struct Refuses;

    impl Player for Refuses {
        fn init() -> Result<Self, Status> {
            Err(Status::Unsupported)
        }
        fn tick(&mut self, _: i64) -> i64 {
            0
        }
    }

    #[test]
    fn ticks_before_init_sleep_and_init_runs_once() {
        let cell = PlayerCell::<Counter>::new();
        assert_eq!(cell.tick(5), i64::MAX);
        assert_eq!(cell.init(), 0);
        assert_eq!(cell.tick(5), 6);
        assert_eq!(cell.tick(5), 7);
        assert_eq!(cell.init(), Status::InvalidState.code());
    }

    #[test]
    fn a_failed_init_returns_its_code_and_leaves_no_player() {
        let cell = PlayerCell::<Refuses>::new();
        assert_eq!(cell.init(), Status::Unsupported.code());
        assert_eq!(cell.tick(1), i64::MAX);
    }

    mod declared {
        use super::Counter;
        crate::module!(
            player = Counter,
            name = "counter",
            version = "1.2.3",
            requires = 0
        );
    }

    #[test]
    fn the_macro_exports_init_and_tick_with_the_abi_names() {
        // The macro's const asserts pin the names; calling them checks the wiring.
        extern "C" {
            fn wasp_init() -> i32;
            fn wasp_tick(now_us: i64) -> i64;
        }
        // SAFETY: both are defined by `declared` above with these signatures.
        #[allow(unsafe_code)]
        let (before, init, after) = unsafe { (wasp_tick(10), wasp_init(), wasp_tick(10)) };
        assert_eq!((before, init, after), (i64::MAX, 0, 11));
    }
}
