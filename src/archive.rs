//! The backup archive: how a backup is named, compressed, described and proved restorable.
//! usage-backup makes, restores and prunes backups with it; usage-check judges their age and
//! soundness with the same rules.

pub mod gz;
pub mod store;
pub mod verify;
