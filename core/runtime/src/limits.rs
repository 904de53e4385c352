//! Limits: every budget the runtime enforces on a module, in bytes, counts and fuel.
//!
//! The device profile sets them; the defaults suit a 1080p TV stick. Values for a
//! microcontroller are far smaller (see [`Limits::small`]).

/// What a module may use.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Largest module accepted, bytes.
    pub max_module_bytes: usize,
    /// Guest linear memory cap, bytes (growth past it is a fault).
    pub guest_memory_bytes: usize,
    /// Interpreter fuel per tick; a tick that runs out is suspended and resumed on the
    /// next tick.
    pub fuel_per_tick: u64,
    /// Consecutive suspended ticks after which the module is treated as hung.
    pub max_slices: u32,
    /// Fuel for `wasp_init` (it cannot be sliced).
    pub init_fuel: u64,
    /// Interpreter value-stack height, in cells.
    pub max_stack_height: usize,
    /// Call depth.
    pub max_recursion_depth: usize,
    /// Media-store budget, bytes.
    pub media_store_bytes: usize,
    /// Open store objects.
    pub max_store_objects: usize,
    /// Open fetches.
    pub max_fetches: usize,
    /// Open decoders.
    pub max_decoders: usize,
    /// Open images.
    pub max_images: usize,
    /// Image memory, bytes.
    pub image_bytes: usize,
    /// Per-decoder queue budget reported to the module (the port enforces it).
    pub decoder_queue_bytes: usize,
    /// Key-value store budget reported to the module (the port enforces it).
    pub kv_bytes: usize,
    /// Largest draw list per `gfx_draw` call, bytes.
    pub max_draw_bytes: usize,
    /// Events queued for the module; older port events wait in the port.
    pub event_queue: usize,
    /// Log lines kept for fault reports.
    pub log_lines_kept: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_module_bytes: 4 << 20,
            guest_memory_bytes: 16 << 20,
            fuel_per_tick: 20_000_000,
            max_slices: 50,
            init_fuel: 200_000_000,
            max_stack_height: 64 * 1024,
            max_recursion_depth: 1024,
            media_store_bytes: 64 << 20,
            max_store_objects: 512,
            max_fetches: 16,
            max_decoders: 4,
            max_images: 256,
            image_bytes: 32 << 20,
            decoder_queue_bytes: 8 << 20,
            kv_bytes: 64 << 10,
            max_draw_bytes: 1 << 20,
            event_queue: 64,
            log_lines_kept: 16,
        }
    }
}

impl Limits {
    /// Limits for a microcontroller with a few hundred KiB of RAM.
    pub fn small() -> Self {
        Self {
            max_module_bytes: 256 << 10,
            guest_memory_bytes: 192 << 10,
            fuel_per_tick: 200_000,
            max_slices: 50,
            init_fuel: 2_000_000,
            max_stack_height: 4096,
            max_recursion_depth: 256,
            media_store_bytes: 64 << 10,
            max_store_objects: 16,
            max_fetches: 2,
            max_decoders: 1,
            max_images: 8,
            image_bytes: 32 << 10,
            decoder_queue_bytes: 16 << 10,
            kv_bytes: 4 << 10,
            max_draw_bytes: 8 << 10,
            event_queue: 16,
            log_lines_kept: 8,
        }
    }
}
