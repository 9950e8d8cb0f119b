//! Demo posts (filled below).
