//! usage-check
