//! The abuse-review screen.
