//! wasp-testkit
#![no_std]
