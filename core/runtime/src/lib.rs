//! wasp-core
#![no_std]
