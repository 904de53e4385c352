//! ISO base media files (ISO/IEC 14496-12): progressive and fragmented (CMAF).
