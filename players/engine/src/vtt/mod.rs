//! WebVTT (W3C WebVTT: The Web Video Text Tracks Format).
