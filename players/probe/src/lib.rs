//! wasp-probe
#![no_std]
