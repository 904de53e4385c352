//! `cargo xtask size`: flash and RAM of every Cortex-M firmware, next to the bare
//! wasmi reference built in the same run, with a breakdown of each image by crate.
//!
//! Each firmware is built as its folder builds it (`cargo build --release` there: the
//! folder's `.cargo/config.toml` gives the target, the profile and `DEFMT_LOG`). Flash
//! is what `llvm-size` counts as text and data (vector table, code, read-only data,
//! the initial values of `.data`); RAM is the statics (`.data` and `.bss`, the heap
//! arena included). What wasp adds is measured against
//! `hardware-tests/mcu/bare-wasmi`: validating wasmi alone with the boards' features,
//! defmt, cortex-m-rt and embedded-alloc, running a tiny module. Both modules are
//! subtracted: they are payload, not code.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::{llvm_tool, root, run};

/// The issue's goal for everything of ours over bare validating wasmi (issue 9).
pub const OURS_GOAL_BYTES: u64 = 64 * 1024;

/// A firmware the report builds and measures.
pub struct Firmware {
    /// Its folder, relative to the workspace root.
    pub folder: &'static str,
    /// Its binary's name (the ELF under `<target dir>/<triple>/release/`).
    pub bin: &'static str,
    /// The module it embeds.
    pub module: Embedded,
    /// Other payload it embeds (media files), relative to the workspace root: found
    /// byte for byte in the image and subtracted with the module.
    pub files: &'static [&'static str],
}

/// Where the report finds the bytes of the module a firmware embeds.
pub enum Embedded {
    /// A file a build script writes to its `OUT_DIR`: (package, file name).
    BuildOutput(&'static str, &'static str),
    /// A Rust source file holding the module as one byte array of `0x..` literals
    /// (relative to the workspace root).
    RustArray(&'static str),
}

/// The reference: wasmi alone.
pub const BARE: Firmware = Firmware {
    folder: "hardware-tests/mcu/bare-wasmi",
    bin: "wasp-mcu-bare-wasmi",
    module: Embedded::RustArray("hardware-tests/mcu/bare-wasmi/src/module.rs"),
    files: &[],
};

/// The audio module, as `wasp-modules` embeds it.
const AUDIO: Embedded = Embedded::BuildOutput("wasp-modules", "wasp_audio.wasm");

/// The firmware that embed wasp, each measured against [`BARE`].
pub const BOARDS: &[Firmware] = &[
    Firmware {
        folder: "targets/mcu-minimal",
        bin: "wasp-mcu-minimal",
        module: AUDIO,
        files: &[],
    },
    Firmware {
        folder: "targets/mcu-mps2-an386",
        bin: "wasp-mcu-mps2-an386",
        module: AUDIO,
        files: &[],
    },
    Firmware {
        folder: "targets/mcu-mps2-an500",
        bin: "wasp-mcu-mps2-an500",
        module: AUDIO,
        files: &[],
    },
    Firmware {
        folder: crate::board::FOLDER,
        bin: "wasp-mcu-nucleo-h7a3",
        module: AUDIO,
        // The station's stream and its headers, fetched from flash.
        files: &[
            "hardware-tests/mcu/radio/tone.mp3.icy",
            "hardware-tests/mcu/radio/tone.mp3.icy.headers",
        ],
    },
];

/// The target every firmware is built for.
const TRIPLE: &str = "thumbv7em-none-eabihf";

/// What one firmware image holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Measured {
    /// The binary's name.
    pub bin: &'static str,
    /// Bytes in flash: text and the initial values of data.
    pub flash: u64,
    /// Bytes of static RAM: data and bss (the heap arena is in bss).
    pub ram: u64,
    /// Bytes of the embedded module (found byte for byte in the image).
    pub module: u64,
    /// Bytes of the other embedded payload (found byte for byte in the image).
    pub files: u64,
    /// Flash by crate, largest first.
    pub crates: Vec<(String, u64)>,
}

impl Measured {
    /// Flash without the embedded module and files: the code and data of the
    /// firmware itself.
    pub fn code(&self) -> u64 {
        self.flash.saturating_sub(self.module + self.files)
    }
}

/// Builds the reference and every board, prints each one's flash, RAM and breakdown,
/// and what each board adds over the reference; then runs the minimal firmware under
/// QEMU for the RAM the audio module takes through wasp ([`ram_report`]).
pub fn size() -> Result<(), String> {
    size_of(BOARDS)?;
    ram_report()
}

/// `targets/mcu-minimal` with `ram-steps` under QEMU: the heap each step of loading the
/// audio module takes with wasmi alone, then the heap and stack it takes through
/// wasp (counting allocator, painted stack); fails if the firmware fails.
pub fn ram_report() -> Result<(), String> {
    for tool in ["qemu-system-arm", "defmt-print"] {
        if !crate::mcu::has(tool) {
            return Err(format!(
                "{tool} not found: the RAM report runs the minimal firmware under QEMU (`cargo xtask mcu` installs defmt-print; apt-get install qemu-system-arm)"
            ));
        }
    }
    run(
        "targets/mcu-minimal --features ram-steps under QEMU (RAM of the audio module)",
        Command::new("timeout")
            .arg("300")
            .arg(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
            .current_dir(root().join("targets/mcu-minimal"))
            .env("PATH", crate::mcu::path())
            .args(["run", "--release", "--quiet", "--features", "ram-steps"]),
    )
}

/// [`size`] for the given boards (the reference is always built).
pub fn size_of(boards: &[Firmware]) -> Result<(), String> {
    let bare = measure(&BARE)?;
    print_measured(&bare);
    let mut rows = Vec::new();
    for board in boards {
        let measured = measure(board)?;
        print_measured(&measured);
        rows.push(measured);
    }
    println!(
        "\n==> over bare wasmi ({} flash, {} of it its module): board flash - its module and files - (bare flash - bare module); goal <= {} B",
        bare.flash, bare.module, OURS_GOAL_BYTES
    );
    println!(
        "{:<22} {:>9} {:>9} {:>9} {:>9} {:>10} {:>10}  goal",
        "firmware", "flash", "module", "files", "RAM", "ours", "ours KiB"
    );
    for m in &rows {
        let ours = m.code() as i64 - bare.code() as i64;
        println!(
            "{:<22} {:>9} {:>9} {:>9} {:>9} {:>+10} {:>+10.1}  {}",
            m.bin,
            m.flash,
            m.module,
            m.files,
            m.ram,
            ours,
            ours as f64 / 1024.0,
            if ours <= OURS_GOAL_BYTES as i64 {
                "met"
            } else {
                "missed"
            }
        );
    }
    Ok(())
}

/// The target directory cargo builds into.
fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .map(|dir| {
            if dir.is_absolute() {
                dir
            } else {
                root().join(dir)
            }
        })
        .unwrap_or_else(|| root().join("target"))
}

/// Builds one firmware in its folder and measures its image.
fn measure(firmware: &Firmware) -> Result<Measured, String> {
    let dir = root().join(firmware.folder);
    run(
        &format!("{} (release, {TRIPLE})", firmware.folder),
        Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
            .current_dir(&dir)
            .args(["build", "--release", "--quiet"]),
    )?;
    let release = target_dir().join(TRIPLE).join("release");
    let elf = release.join(firmware.bin);
    let (flash, ram) = flash_and_ram(&elf)?;
    let (module, module_bytes) = match firmware.module {
        Embedded::BuildOutput(package, file) => {
            let path = newest_build_output(&release.join("build"), (package, file))?;
            let bytes =
                std::fs::read(&path).map_err(|e| format!("read {}: {e}", path.display()))?;
            (path, bytes)
        }
        Embedded::RustArray(source) => {
            let path = root().join(source);
            let text = std::fs::read_to_string(&path)
                .map_err(|e| format!("read {}: {e}", path.display()))?;
            (path, hex_literals(&text))
        }
    };
    let image = std::fs::read(&elf).map_err(|e| format!("read {}: {e}", elf.display()))?;
    let mut missing = (!contains(&image, &module_bytes)).then(|| module.clone());
    let mut files = 0;
    for file in firmware.files {
        let path = root().join(file);
        let bytes = std::fs::read(&path).map_err(|e| format!("read {}: {e}", path.display()))?;
        files += bytes.len() as u64;
        if missing.is_none() && !contains(&image, &bytes) {
            missing = Some(path);
        }
    }
    if let Some(path) = missing {
        return Err(format!(
            "{} does not hold {} byte for byte",
            elf.display(),
            path.display()
        ));
    }
    let nm = tool_output("llvm-nm", &["-S", "-C", "--size-sort", "--radix=d"], &elf)?;
    let module_len = module_bytes.len() as u64;
    let mut crates = breakdown(&nm, flash, module_len);
    if files > 0 {
        // The files have no symbol of their own: they are in the unattributed rest.
        if let Some((_, rest)) = crates.iter_mut().find(|(name, _)| name == UNATTRIBUTED_ROW) {
            *rest = rest.saturating_sub(files);
        }
        let at = crates.len().saturating_sub(1);
        crates.insert(at, (FILES_ROW.to_string(), files));
    }
    Ok(Measured {
        bin: firmware.bin,
        flash,
        ram,
        module: module_len,
        files,
        crates,
    })
}

/// Prints one image's figures and its breakdown by crate.
fn print_measured(m: &Measured) {
    println!(
        "==> {}: flash {} B ({:.1} KiB; without its {}-byte module and {} B of files {} B), static RAM {} B ({:.1} KiB, the heap arena included)",
        m.bin,
        m.flash,
        m.flash as f64 / 1024.0,
        m.module,
        m.files,
        m.code(),
        m.ram,
        m.ram as f64 / 1024.0
    );
    for (name, bytes) in &m.crates {
        println!(
            "    {name:<40} {bytes:>9} {:>8.1} KiB",
            *bytes as f64 / 1024.0
        );
    }
}

/// Runs one of rustup's llvm-tools on `elf` and returns its standard output.
fn tool_output(name: &str, args: &[&str], elf: &Path) -> Result<String, String> {
    let tool = llvm_tool(name);
    let out = Command::new(&tool)
        .args(args)
        .arg(elf)
        .output()
        .map_err(|e| {
            format!(
                "{}: {e} (install with `rustup component add llvm-tools`)",
                tool.display()
            )
        })?;
    if !out.status.success() {
        return Err(format!(
            "{name} {}: {}",
            elf.display(),
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// Flash (text + data) and static RAM (data + bss) from `llvm-size`'s Berkeley format.
fn flash_and_ram(elf: &Path) -> Result<(u64, u64), String> {
    let text = tool_output("llvm-size", &[], elf)?;
    parse_berkeley(&text).ok_or_else(|| format!("unexpected llvm-size output:\n{text}"))
}

/// (text + data, data + bss) from `llvm-size`'s Berkeley output
/// (`text data bss dec hex filename`, one header line).
pub fn parse_berkeley(text: &str) -> Option<(u64, u64)> {
    let fields: Vec<u64> = text
        .lines()
        .nth(1)?
        .split_whitespace()
        .filter_map(|f| f.parse().ok())
        .collect();
    let [text, data, bss, ..] = fields[..] else {
        return None;
    };
    Some((text + data, data + bss))
}

/// The most recently written `file` in the `OUT_DIR` of `package`'s build script under
/// `build` (an older build of another configuration may have left others).
fn newest_build_output(build: &Path, (package, file): (&str, &str)) -> Result<PathBuf, String> {
    let prefix = format!("{package}-");
    let entries = std::fs::read_dir(build).map_err(|e| format!("read {}: {e}", build.display()))?;
    entries
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().starts_with(&prefix))
        .map(|e| e.path().join("out").join(file))
        .filter_map(|p| Some((std::fs::metadata(&p).ok()?.modified().ok()?, p)))
        .max()
        .map(|(_, p)| p)
        .ok_or_else(|| {
            format!(
                "no {file} written by {package}'s build in {}",
                build.display()
            )
        })
}

/// The bytes of the `0x..` literals of the first byte array (`= &[` to `];`) in
/// `text`, in order: a module written as a Rust byte array.
pub fn hex_literals(text: &str) -> Vec<u8> {
    let array = text
        .split_once("= &[")
        .and_then(|(_, rest)| rest.split_once("];"))
        .map_or("", |(array, _)| array);
    array
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter_map(|token| token.strip_prefix("0x"))
        .filter_map(|hex| u8::from_str_radix(hex, 16).ok())
        .collect()
}

/// Whether `needle` occurs in `haystack` as one run of bytes.
fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    needle.is_empty() || haystack.windows(needle.len()).any(|w| w == needle)
}

/// Name of the breakdown's row for the embedded module.
pub const MODULE_ROW: &str = "(the embedded module)";
/// Name of the breakdown's row for embedded files other than the module.
pub const FILES_ROW: &str = "(embedded files)";
/// Name of the row for flash no symbol covers (padding, anonymous constants, the
/// vector table's gaps).
pub const UNATTRIBUTED_ROW: &str = "(unattributed)";

/// Flash by crate from `llvm-nm -S -C --size-sort --radix=d` output: every symbol in
/// text, read-only data or data (`t`, `r`, `d`, either case) is charged to the crate
/// [`crate_of`] names, grouped by [`group_of`]; a symbol of exactly the module's size
/// in data is the module; symbols at an address already counted (aliases) count once,
/// zero-size markers not at all.
/// The module, then whatever of `flash` no symbol covers, close the list. Largest
/// first, then by name.
pub fn breakdown(nm: &str, flash: u64, module: u64) -> Vec<(String, u64)> {
    let mut seen = std::collections::BTreeSet::new();
    let mut by_group = std::collections::BTreeMap::<String, u64>::new();
    let mut module_symbol = false;
    for line in nm.lines() {
        let mut fields = line.splitn(4, ' ');
        let (Some(address), Some(size), Some(kind), Some(name)) =
            (fields.next(), fields.next(), fields.next(), fields.next())
        else {
            continue;
        };
        let (Ok(address), Ok(size)) = (address.parse::<u64>(), size.parse::<u64>()) else {
            continue;
        };
        let kind = kind.to_ascii_lowercase();
        // Zero-size markers (`__sdata`) share an address with the first real symbol
        // after them: they must not take it.
        if size == 0 || !matches!(kind.as_str(), "t" | "r" | "d") || !seen.insert(address) {
            continue;
        }
        let group = if size == module && kind != "t" && !module_symbol {
            module_symbol = true;
            MODULE_ROW.to_string()
        } else {
            group_of(crate_of(&unescape_legacy(name))).to_string()
        };
        *by_group.entry(group).or_default() += size;
    }
    by_group.entry(MODULE_ROW.to_string()).or_insert(module);
    let counted: u64 = by_group.values().sum();
    let mut rows: Vec<(String, u64)> = by_group
        .into_iter()
        .filter(|(name, _)| name != MODULE_ROW)
        .collect();
    rows.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    rows.push((MODULE_ROW.to_string(), module));
    rows.push((UNATTRIBUTED_ROW.to_string(), flash.saturating_sub(counted)));
    rows
}

/// A symbol with Rust's legacy mangling escapes undone (`$LT$` → `<`, `..` → `::`,
/// `$u20$` → space, ...): `llvm-nm -C` demangles the path of a legacy symbol but
/// leaves the escapes of its segments, as in `_$LT$wasmi_ir..op..Op$u20$as$u20$...`.
pub fn unescape_legacy(symbol: &str) -> String {
    if !symbol.contains('$') && !symbol.contains("..") {
        return symbol.to_string();
    }
    // A segment may not start with `$`: the mangler puts `_` before it.
    let symbol = symbol
        .strip_prefix('_')
        .filter(|s| s.starts_with('$'))
        .unwrap_or(symbol);
    let mut out = String::with_capacity(symbol.len());
    let mut rest = symbol;
    while let Some(c) = rest.chars().next() {
        if let Some(after) = rest.strip_prefix("..") {
            out.push_str("::");
            rest = after;
            continue;
        }
        let escape = rest
            .strip_prefix('$')
            .and_then(|tail| tail.split_once('$'))
            .and_then(|(code, after)| Some((legacy_escape(code)?, after)));
        if let Some((replaced, after)) = escape {
            out.push(replaced);
            rest = after;
            continue;
        }
        out.push(c);
        rest = rest.get(c.len_utf8()..).unwrap_or_default();
    }
    out
}

/// The character a legacy mangling escape (`$code$`) stands for.
fn legacy_escape(code: &str) -> Option<char> {
    match code {
        "LT" => Some('<'),
        "GT" => Some('>'),
        "C" => Some(','),
        "RF" => Some('&'),
        "BP" => Some('*'),
        "LP" => Some('('),
        "RP" => Some(')'),
        "SP" => Some('@'),
        _ => code
            .strip_prefix('u')
            .and_then(|hex| u32::from_str_radix(hex, 16).ok())
            .and_then(char::from_u32),
    }
}

/// The row for wasmi's host-function trampolines (`<F as wasmi::..::IntoFunc<..>>`):
/// wasmi's generic glue, instantiated once per host function with the embedder's
/// function inlined into it, so its size is the embedder's imports as much as wasmi.
pub const HOST_FUNCS: &str = "(host functions in wasmi's trampolines)";

/// The row for `OUTLINED_FUNCTION_*`: instruction sequences LLVM's machine outliner
/// (on at `opt-level = "z"`) moved out of functions of any crate, shared by several.
pub const OUTLINED: &str = "(outlined code, shared across crates)";
/// The row for anonymous constants (`.Lanon.*`): strings, tables, panic locations.
pub const ANONYMOUS: &str = "(anonymous constants)";

/// The crate a demangled symbol's code belongs to: the first path's root, except that
/// code of `core`/`alloc` instantiated for a type of another crate
/// (`core::ptr::drop_in_place<wasmi::Engine>`,
/// `<alloc::vec::Vec<T> as core::ops::Drop>::drop` for it) is that crate's, and
/// `<T as Trait>` is `T`'s crate; wasmi's host-function trampolines are
/// [`HOST_FUNCS`]. Symbols without a path are named by what defines them:
/// `compiler_builtins` (`__aeabi_*`, `mem*`), `cortex_m_rt` (vectors, reset,
/// exception handlers), `defmt` (`_defmt_*`, `__defmt_*`), [`OUTLINED`] (code the
/// machine outliner of `opt-level = "z"` factored out of functions of any crate),
/// [`ANONYMOUS`] (`.Lanon.*` constants), else `(no crate path)`.
pub fn crate_of(symbol: &str) -> &str {
    if symbol.starts_with("<F as wasmi::func::into_func::IntoFunc<") {
        return HOST_FUNCS;
    }
    let roots = path_roots(symbol);
    let std_crate = |c: &str| matches!(c, "core" | "alloc" | "std" | "compiler_builtins");
    if let Some(first) = roots.first() {
        if !std_crate(first) {
            return first;
        }
        return roots
            .iter()
            .copied()
            .find(|c| !std_crate(c))
            .unwrap_or(first);
    }
    let bare = symbol.trim();
    if bare.starts_with("OUTLINED_FUNCTION_") {
        OUTLINED
    } else if bare.starts_with(".Lanon.") || bare.starts_with("anon.") {
        ANONYMOUS
    } else if bare.starts_with("_defmt") || bare.starts_with("__defmt") {
        "defmt"
    } else if bare.starts_with("__aeabi")
        || bare.starts_with("__")
            && !bare.starts_with("__RESET")
            && !bare.starts_with("__EXCEPTIONS")
            && !bare.starts_with("__INTERRUPTS")
            && !bare.starts_with("__pre_init")
        || matches!(bare, "memcpy" | "memmove" | "memset" | "memcmp" | "bcmp")
    {
        "compiler_builtins"
    } else if matches!(
        bare,
        "Reset"
            | "main"
            | "HardFault"
            | "HardFault_"
            | "DefaultHandler"
            | "DefaultHandler_"
            | "DefaultPreInit"
            | "__RESET_VECTOR"
            | "__EXCEPTIONS"
            | "__INTERRUPTS"
            | "__pre_init"
    ) {
        "cortex_m_rt"
    } else {
        "(no crate path)"
    }
}

/// The roots of the paths in a demangled symbol, in order: each identifier that starts
/// a path (at the start, or after `<`, a space, `(`, `[`, `&`, `*` or `,`) and is
/// followed by `::`. Hash suffixes and `{{closure}}` are not paths.
fn path_roots(symbol: &str) -> Vec<&str> {
    let bytes = symbol.as_bytes();
    let mut roots = Vec::new();
    let mut start = None;
    for (i, &b) in bytes.iter().enumerate() {
        let ident = b.is_ascii_alphanumeric() || b == b'_';
        match (start, ident) {
            (None, true) => {
                let after_boundary = i == 0
                    || matches!(
                        bytes.get(i - 1),
                        Some(b'<' | b' ' | b'(' | b'[' | b'&' | b'*' | b',')
                    );
                if after_boundary && !b.is_ascii_digit() {
                    start = Some(i);
                } else {
                    start = Some(usize::MAX);
                }
            }
            (Some(s), false) => {
                if s != usize::MAX && symbol.get(i..i + 2) == Some("::") {
                    if let Some(root) = symbol.get(s..i) {
                        roots.push(root);
                    }
                }
                start = None;
            }
            _ => {}
        }
    }
    roots
}

/// The breakdown's row for a crate: wasmi's own crates together, the defmt crates
/// together, the `embedded-*` crates together, the `cortex-m*` crates together; any
/// other crate on its own row.
pub fn group_of(crate_name: &str) -> &str {
    match crate_name {
        "wasmi" | "wasmi_core" | "wasmi_ir" | "wasmi_collections" => "wasmi*",
        "wasmparser" => "wasmparser (wasmi's validator)",
        c if c.starts_with("defmt") => "defmt*",
        c if c.starts_with("embedded_") => "embedded_*",
        c if c.starts_with("cortex_m") => "cortex_m*",
        c => c,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A slice of real `llvm-nm -S -C --size-sort --radix=d` output of a board image,
    /// with an alias, a bss symbol and a module-sized blob added.
    const NM: &str = "\
00000000000000001100 00000000000000000002 T __aeabi_memclr
00000000000000001200 00000000000000000100 T memcpy
00000000000000001300 00000000000000000040 T Reset
00000000000000001400 00000000000000000500 t wasmi::engine::executor::Executor::execute
00000000000000001900 00000000000000000300 t wasmi_ir::Op::encode
00000000000000002200 00000000000000000700 t wasmparser::validator::Validator::payload
00000000000000002900 00000000000000000200 t <wasmi::Error as core::fmt::Display>::fmt
00000000000000003100 00000000000000000050 t core::ptr::drop_in_place<wasp_core::runtime::Live<wasp_shim_mcu::port::Port>>
00000000000000003150 00000000000000000080 t core::fmt::write
00000000000000003230 00000000000000000120 t wasp_core::runtime::Runtime<P>::tick
00000000000000003230 00000000000000000120 t wasp_core::runtime::Runtime<P>::tick_alias
00000000000000003350 00000000000000000060 t defmt_semihosting::write
00000000000000003410 00000000000000000030 t embedded_alloc::llff::Heap::alloc
00000000000000003440 00000000000000000010 t alloc::raw_vec::RawVec<T,A>::grow_one
00000000000000003450 00000000000000000016 r _defmt_version_ = 1
00000000000000004000 00000000000000000900 R wasp_modules::AUDIO
00000000536870912 00000000000000065536 B wasp_mcu_mps2_an386::firmware::HEAP_MEM
";

    #[test]
    fn charges_each_symbol_to_its_crate_and_counts_aliases_once() {
        let rows = breakdown(NM, 4000, 900);
        let get = |name: &str| rows.iter().find(|(n, _)| n == name).map(|&(_, b)| b);
        assert_eq!(get("wasmi*"), Some(500 + 300 + 200));
        assert_eq!(get("wasmparser (wasmi's validator)"), Some(700));
        assert_eq!(get("wasp_core"), Some(50 + 120));
        assert_eq!(get("core"), Some(80));
        assert_eq!(get("alloc"), Some(10));
        assert_eq!(get("compiler_builtins"), Some(2 + 100));
        assert_eq!(get("cortex_m*"), Some(40));
        assert_eq!(get("defmt*"), Some(60 + 16));
        assert_eq!(get("embedded_*"), Some(30));
        assert_eq!(get(MODULE_ROW), Some(900));
        // 4000 less every counted byte (the bss heap is not flash).
        let counted = 1000 + 700 + 170 + 80 + 10 + 102 + 40 + 76 + 30 + 900;
        assert_eq!(get(UNATTRIBUTED_ROW), Some(4000 - counted));
    }

    #[test]
    fn lists_crates_largest_first_then_the_module_then_the_rest() {
        let rows = breakdown(NM, 4000, 900);
        let names: Vec<&str> = rows.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names.first(), Some(&"wasmi*"));
        assert_eq!(names.get(1), Some(&"wasmparser (wasmi's validator)"));
        assert_eq!(names.get(names.len() - 2), Some(&MODULE_ROW));
        assert_eq!(names.last(), Some(&UNATTRIBUTED_ROW));
        let sizes: Vec<u64> = rows.iter().map(|&(_, b)| b).collect();
        let crates = sizes.get(..sizes.len() - 2).unwrap_or_default();
        assert!(crates.windows(2).all(|w| w[0] >= w[1]), "{rows:?}");
    }

    #[test]
    fn a_zero_size_marker_does_not_hide_the_symbol_at_its_address() {
        let nm = "\
00000000536870912 00000000000000000000 D __sdata
00000000536870912 00000000000000032768 d wasp_mcu_mps2_an386::firmware::KV_FLASH
";
        let rows = breakdown(nm, 40000, 1000);
        assert_eq!(
            rows.first(),
            Some(&("wasp_mcu_mps2_an386".to_string(), 32768))
        );
    }

    #[test]
    fn a_module_without_a_symbol_is_still_counted_once() {
        let nm = "00000000000000001400 00000000000000000500 t wasmi::Engine::new\n";
        let rows = breakdown(nm, 2000, 1200);
        assert_eq!(
            rows,
            vec![
                ("wasmi*".to_string(), 500),
                (MODULE_ROW.to_string(), 1200),
                (UNATTRIBUTED_ROW.to_string(), 300),
            ]
        );
    }

    #[test]
    fn generic_std_code_belongs_to_the_crate_it_was_instantiated_for() {
        assert_eq!(
            crate_of("core::ptr::drop_in_place<wasmi::engine::Engine>"),
            "wasmi"
        );
        assert_eq!(
            crate_of("<alloc::vec::Vec<wasp_abi::Key> as core::ops::drop::Drop>::drop"),
            "wasp_abi"
        );
        assert_eq!(crate_of("<wasmi::Error as core::fmt::Debug>::fmt"), "wasmi");
        assert_eq!(crate_of("core::fmt::write"), "core");
        assert_eq!(crate_of("alloc::raw_vec::RawVec<T,A>::grow_one"), "alloc");
        assert_eq!(
            crate_of("wasp_core::imports::link::{{closure}}"),
            "wasp_core"
        );
    }

    #[test]
    fn pathless_symbols_are_named_by_what_defines_them() {
        assert_eq!(crate_of("__aeabi_uldivmod"), "compiler_builtins");
        assert_eq!(crate_of("memset"), "compiler_builtins");
        assert_eq!(crate_of("HardFault_"), "cortex_m_rt");
        assert_eq!(crate_of("__RESET_VECTOR"), "cortex_m_rt");
        assert_eq!(crate_of("_defmt_acquire"), "defmt");
        assert_eq!(crate_of("OUTLINED_FUNCTION_680"), OUTLINED);
        assert_eq!(crate_of(".Lanon.88b94e73.146"), ANONYMOUS);
        assert_eq!(crate_of("SOME_C_SYMBOL"), "(no crate path)");
    }

    #[test]
    fn undoes_the_escapes_llvm_nm_leaves_in_legacy_symbols() {
        let nm = "_$LT$wasmi_ir..op..Op$u20$as$u20$wasmi_ir..encode..Encode$GT$::encode::h784036206ba49410";
        assert_eq!(
            unescape_legacy(nm),
            "<wasmi_ir::op::Op as wasmi_ir::encode::Encode>::encode::h784036206ba49410"
        );
        assert_eq!(crate_of(&unescape_legacy(nm)), "wasmi_ir");
        let closure = "_$LT$F$u20$as$u20$wasmi..func..into_func..IntoFunc$LT$T$C$$LP$wasmi..func..caller..Caller$LT$T$GT$$C$$RP$$C$R$GT$$GT$::into_func::_$u7b$$u7b$closure$u7d$$u7d$::h42ce";
        assert_eq!(crate_of(&unescape_legacy(closure)), HOST_FUNCS);
        assert_eq!(
            unescape_legacy("wasp_core::Runtime::tick"),
            "wasp_core::Runtime::tick"
        );
    }

    #[test]
    fn groups_the_families_of_crates() {
        assert_eq!(group_of("wasmi_ir"), "wasmi*");
        assert_eq!(group_of("defmt_rtt"), "defmt*");
        assert_eq!(group_of("embedded_hal_bus"), "embedded_*");
        assert_eq!(group_of("cortex_m_semihosting"), "cortex_m*");
        assert_eq!(group_of("wasp_shim_mcu"), "wasp_shim_mcu");
    }

    #[test]
    fn reads_flash_and_ram_from_berkeley_output() {
        let out = "   text    data     bss     dec     hex filename\n 374148       8  131132  505288   7b5c8 fw\n";
        assert_eq!(parse_berkeley(out), Some((374_156, 131_140)));
        assert_eq!(parse_berkeley("text data bss\n"), None);
    }

    #[test]
    fn reads_a_module_written_as_a_rust_byte_array() {
        let source = "//! 0x12 in a comment is not a byte\npub const M: &[u8] = &[\n    0x00, 0x61, 0x73, 0x6d,\n    0x01,\n];\nconst N: u8 = 0x33;\n";
        assert_eq!(hex_literals(source), vec![0x00, 0x61, 0x73, 0x6d, 0x01]);
    }

    #[test]
    fn finds_a_module_only_as_one_run_of_bytes() {
        assert!(contains(b"xx\0asm\x01yy", b"\0asm\x01"));
        assert!(!contains(b"\0as m\x01", b"\0asm\x01"));
    }
}
