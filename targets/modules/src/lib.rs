//! wasp-modules
#![no_std]
