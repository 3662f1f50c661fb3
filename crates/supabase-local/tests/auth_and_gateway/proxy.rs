//! A TCP proxy between the stand-in and PostgreSQL that can "restart the database": `down()`
//! cuts every open connection and refuses new ones, `up()` lets them through again. This
//! plays an outage without touching the test cluster other tests share.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;

pub(crate) struct Proxy {
    pub(crate) port: u16,
    up: Arc<AtomicBool>,
    /// Bumped on every `down()`: connections of an older generation end.
    generation: watch::Sender<u64>,
    counter: Arc<AtomicU64>,
}

impl Proxy {
    pub(crate) async fn start(target_host: String, target_port: u16) -> Proxy {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let up = Arc::new(AtomicBool::new(true));
        let (generation, _) = watch::channel(0u64);
        let counter = Arc::new(AtomicU64::new(0));
        let accepting = up.clone();
        let generations = generation.subscribe();
        tokio::spawn(async move {
            loop {
                let Ok((client, _)) = listener.accept().await else {
                    return;
                };
                if !accepting.load(Ordering::SeqCst) {
                    // Down: the connection is closed at once, like a refused one.
                    drop(client);
                    continue;
                }
                let mut generations = generations.clone();
                let born = *generations.borrow();
                let target = format!("{target_host}:{target_port}");
                tokio::spawn(async move {
                    let Ok(server) = TcpStream::connect(target).await else {
                        return;
                    };
                    let (mut client, mut server) = (client, server);
                    tokio::select! {
                        _ = tokio::io::copy_bidirectional(&mut client, &mut server) => {}
                        _ = async {
                            while generations.changed().await.is_ok() {
                                if *generations.borrow() != born { break }
                            }
                        } => {}
                    }
                });
            }
        });
        Proxy {
            port,
            up,
            generation,
            counter,
        }
    }

    /// The database goes away: open connections drop, new ones are closed at once.
    pub(crate) fn down(&self) {
        self.up.store(false, Ordering::SeqCst);
        let next = self.counter.fetch_add(1, Ordering::SeqCst) + 1;
        self.generation.send_replace(next);
    }

    /// The database is back.
    pub(crate) fn up(&self) {
        self.up.store(true, Ordering::SeqCst);
    }
}
