//! wasp-hello
#![no_std]
