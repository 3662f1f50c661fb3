//! Analysis throughput (written once the corpus generator lands).
fn main() {}
