//! The appraisal demo: filled in below.
