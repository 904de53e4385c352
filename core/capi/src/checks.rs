//! Build-time checks that the headers and this crate agree.
//!
//! * Signatures: each export is unified with bindgen's declaration of the same name
//!   (`same`), so a changed parameter or return type in `wasp.h`, `wasp_raster.h`
//!   or in the Rust fails to compile.
//! * Constants: every `WASP_*` value that names an ABI value equals it.

use wasp_abi::event::{Command, DecoderEventKind, DeviceEventKind, EventKind};
use wasp_abi::fetch::{FetchState, Method};
use wasp_abi::key::KeyAction;
use wasp_abi::player::{feature, LogLevel, PlayerState, ReportKind, StateReason};
use wasp_abi::store::CipherMode;
use wasp_abi::Status;

use crate::{api, platform, raster, sys};

/// Compiles only when both arguments have one type.
const fn same<F: Copy>(_header: F, _rust: F) {}

macro_rules! signature {
    ($module:ident: $($name:ident ( $($arg:tt),* );)*) => {$(
        const _: () = same::<unsafe extern "C" fn($($arg),*) -> _>(sys::$name, $module::$name);
    )*};
}

signature! {
    api:
    wasp_version();
    wasp_status_name(_);
    wasp_runtime_new(_, _, _);
    wasp_runtime_destroy(_);
    wasp_runtime_verify(_, _, _);
    wasp_runtime_load(_, _, _);
    wasp_runtime_restart(_);
    wasp_runtime_tick(_, _, _);
    wasp_runtime_key(_, _, _, _);
    wasp_runtime_command(_, _, _, _, _);
    wasp_runtime_load_url(_, _, _, _);
    wasp_runtime_play(_);
    wasp_runtime_pause(_);
    wasp_runtime_seek(_, _);
    wasp_runtime_stop(_);
    wasp_runtime_device_event(_, _, _);
    wasp_runtime_state(_, _, _);
    wasp_runtime_qoe(_, _);
    wasp_runtime_last_error(_, _, _, _);
}

signature! {
    platform:
    wasp_platform_init(_);
    wasp_platform_heap(_);
}

signature! {
    raster:
    wasp_raster_new(_, _, _);
    wasp_raster_destroy(_);
    wasp_raster_image_create(_, _, _, _, _);
    wasp_raster_image_update(_, _, _, _, _);
    wasp_raster_image_free(_, _);
    wasp_raster_draw(_, _, _, _);
    wasp_raster_end_frame(_);
    wasp_raster_plane(_, _, _);
    wasp_raster_size(_, _, _);
    wasp_raster_compose(_, _, _, _, _);
    wasp_raster_new_banded(_, _, _, _, _);
    wasp_raster_present_bands(_, _, _);
    wasp_raster_records_high_water(_, _);
}

macro_rules! equal {
    ($($c:ident $(as $t:ident)? == $v:expr;)*) => {$(
        const _: () = assert!(sys::$c $(as $t)? == $v, stringify!($c));
    )*};
}

equal! {
    WASP_ERR_INVALID_ARGUMENT == Status::InvalidArgument.code();
    WASP_ERR_OUT_OF_BOUNDS == Status::OutOfBounds.code();
    WASP_ERR_BAD_HANDLE == Status::BadHandle.code();
    WASP_ERR_TOO_MANY_HANDLES == Status::TooManyHandles.code();
    WASP_ERR_BUDGET_EXCEEDED == Status::BudgetExceeded.code();
    WASP_ERR_UNSUPPORTED == Status::Unsupported.code();
    WASP_ERR_NOT_FOUND == Status::NotFound.code();
    WASP_ERR_WOULD_BLOCK == Status::WouldBlock.code();
    WASP_ERR_END_OF_STREAM == Status::EndOfStream.code();
    WASP_ERR_INVALID_STATE == Status::InvalidState.code();
    WASP_ERR_IO == Status::Io.code();
    WASP_ERR_TIMEOUT == Status::Timeout.code();
    WASP_ERR_HTTP_ERROR == Status::HttpError.code();
    WASP_ERR_DECODE_ERROR == Status::DecodeError.code();
    WASP_ERR_INTERNAL == Status::Internal.code();
    WASP_LOG_ERROR == LogLevel::Error.as_u32();
    WASP_LOG_WARN == LogLevel::Warn.as_u32();
    WASP_LOG_INFO == LogLevel::Info.as_u32();
    WASP_LOG_DEBUG == LogLevel::Debug.as_u32();
    WASP_LOG_TRACE == LogLevel::Trace.as_u32();
    WASP_STATE_IDLE == PlayerState::Idle.as_u32();
    WASP_STATE_LOADING == PlayerState::Loading.as_u32();
    WASP_STATE_BUFFERING == PlayerState::Buffering.as_u32();
    WASP_STATE_PLAYING == PlayerState::Playing.as_u32();
    WASP_STATE_PAUSED == PlayerState::Paused.as_u32();
    WASP_STATE_SEEKING == PlayerState::Seeking.as_u32();
    WASP_STATE_ENDED == PlayerState::Ended.as_u32();
    WASP_STATE_ERROR == PlayerState::Error.as_u32();
    WASP_REASON_NONE == StateReason::None.as_u32();
    WASP_REASON_COMMAND == StateReason::Command.as_u32();
    WASP_REASON_KEY == StateReason::Key.as_u32();
    WASP_REASON_BUFFER == StateReason::Buffer.as_u32();
    WASP_REASON_END_OF_STREAM == StateReason::EndOfStream.as_u32();
    WASP_REASON_NETWORK == StateReason::Network.as_u32();
    WASP_REASON_UNSUPPORTED == StateReason::Unsupported.as_u32();
    WASP_REASON_DECODER == StateReason::Decoder.as_u32();
    WASP_REASON_MALFORMED == StateReason::Malformed.as_u32();
    WASP_REASON_DEVICE == StateReason::Device.as_u32();
    WASP_REPORT_QOE == ReportKind::Qoe.as_u32();
    WASP_REPORT_EVENT == ReportKind::Event.as_u32();
    WASP_REPORT_ERROR == ReportKind::Error.as_u32();
    WASP_REPORT_METADATA == ReportKind::Metadata.as_u32();
    WASP_EVENT_NONE == EventKind::None.as_u32();
    WASP_EVENT_KEY == EventKind::Key.as_u32();
    WASP_EVENT_COMMAND == EventKind::Command.as_u32();
    WASP_EVENT_FETCH == EventKind::Fetch.as_u32();
    WASP_EVENT_DECODER == EventKind::Decoder.as_u32();
    WASP_EVENT_DEVICE == EventKind::Device.as_u32();
    WASP_KEY_DOWN == KeyAction::Down.as_u32();
    WASP_KEY_UP == KeyAction::Up.as_u32();
    WASP_KEY_REPEAT == KeyAction::Repeat.as_u32();
    WASP_FETCH_PENDING == FetchState::Pending.as_u32();
    WASP_FETCH_RECEIVING == FetchState::Receiving.as_u32();
    WASP_FETCH_DONE == FetchState::Done.as_u32();
    WASP_FETCH_FAILED == FetchState::Failed.as_u32();
    WASP_METHOD_GET == Method::Get.as_u32();
    WASP_METHOD_HEAD == Method::Head.as_u32();
    WASP_CIPHER_CBC_PKCS7 == CipherMode::CbcPkcs7.as_u32();
    WASP_CIPHER_CBC == CipherMode::Cbc.as_u32();
    WASP_CIPHER_CTR == CipherMode::Ctr.as_u32();
    WASP_DEVICE_SUSPEND == DeviceEventKind::Suspend.as_u32();
    WASP_DEVICE_RESUME == DeviceEventKind::Resume.as_u32();
    WASP_DEVICE_OUTPUT_CHANGED == DeviceEventKind::OutputChanged.as_u32();
    WASP_DEVICE_LOW_MEMORY == DeviceEventKind::LowMemory.as_u32();
    WASP_DEVICE_VOLUME == DeviceEventKind::Volume.as_u32();
    WASP_DEVICE_NETWORK_DOWN == DeviceEventKind::NetworkDown.as_u32();
    WASP_DEVICE_NETWORK_UP == DeviceEventKind::NetworkUp.as_u32();
    WASP_DECODER_QUEUE_LOW == DecoderEventKind::QueueLow.as_u32();
    WASP_DECODER_UNDERFLOW == DecoderEventKind::Underflow.as_u32();
    WASP_DECODER_DRAINED == DecoderEventKind::Drained.as_u32();
    WASP_DECODER_FAILED == DecoderEventKind::Failed.as_u32();
    WASP_DECODER_LOST == DecoderEventKind::Lost.as_u32();
    WASP_FEATURE_VIDEO_DECODE as u64 == feature::VIDEO_DECODE;
    WASP_FEATURE_AUDIO_DECODE as u64 == feature::AUDIO_DECODE;
    WASP_FEATURE_GRAPHICS as u64 == feature::GRAPHICS;
    WASP_FEATURE_FETCH as u64 == feature::FETCH;
    WASP_FEATURE_INPUT as u64 == feature::INPUT;
    WASP_FEATURE_KV_STORE as u64 == feature::KV_STORE;
    WASP_FEATURE_CRYPTO as u64 == feature::CRYPTO;
    WASP_COMMAND_LOAD == Command::Load.as_u32();
    WASP_COMMAND_PLAY == Command::Play.as_u32();
    WASP_COMMAND_PAUSE == Command::Pause.as_u32();
    WASP_COMMAND_SEEK == Command::Seek.as_u32();
    WASP_COMMAND_SEEK_RELATIVE == Command::SeekRelative.as_u32();
    WASP_COMMAND_STOP == Command::Stop.as_u32();
    WASP_COMMAND_SELECT_AUDIO == Command::SelectAudio.as_u32();
    WASP_COMMAND_SELECT_SUBTITLE == Command::SelectSubtitle.as_u32();
    WASP_COMMAND_SET_QUALITY == Command::SetQuality.as_u32();
}

const _: () = assert!(sys::WASP_MAX_ARGUMENT as usize == wasp_abi::event::MAX_ARGUMENT);
