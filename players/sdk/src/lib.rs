//! wasp-guest
#![no_std]
