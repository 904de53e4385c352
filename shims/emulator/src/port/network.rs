//! Fetch plumbing: the backend of each fetch, fetch events, and the simulated
//! network's content (local files served under a base URL).

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use wasp_core::abi::event::FetchEvent;
use wasp_core::{HostEvent, Port, PortId};
use wasp_testkit::net::{Network, Resource};

use super::EmulatorPort;
use crate::fetch::{FileFetch, HttpFetch};
use crate::files::FileBody;

/// The backend of one fetch.
#[derive(Debug)]
pub(super) enum Fetch {
    /// A local file.
    File(FileFetch),
    /// Real HTTP(S) (real time).
    Http(HttpFetch),
    /// A transfer on the simulated network, by its id there.
    Sim(PortId),
}

impl EmulatorPort {
    pub(super) fn settle_fetches(&mut self) {
        // Simulated transfers: the test device's events, under our ids.
        let sim: BTreeMap<PortId, PortId> = self
            .fetches
            .iter()
            .filter_map(|(id, f)| match f {
                Fetch::Sim(inner) => Some((*inner, *id)),
                _ => None,
            })
            .collect();
        while let Some(event) = self.net.poll_event() {
            if let HostEvent::Fetch(e) = event {
                if let Some(&id) = sim.get(&e.handle) {
                    self.events.push_back(HostEvent::Fetch(FetchEvent {
                        handle: id,
                        state: e.state,
                    }));
                }
            }
        }
        for (id, f) in &self.fetches {
            if let Fetch::Http(h) = f {
                let now = h.progress();
                if self.http_seen.insert(*id, now) != Some(now) {
                    self.events.push_back(HostEvent::Fetch(FetchEvent {
                        handle: *id,
                        state: now.0,
                    }));
                }
            }
        }
    }

    // --- the simulated network -------------------------------------------------

    /// The simulated network (virtual mode): resources, link, trace, outages, log.
    pub fn network(&mut self) -> &mut Network {
        &mut self.net.network
    }

    /// Serves `body` at `url` on the simulated network.
    pub fn serve(&mut self, url: &str, body: impl Into<Vec<u8>>) -> &mut Resource {
        self.net.serve(url, body)
    }

    /// Serves the file at `path` at `url` on the simulated network, read from disk
    /// as it is delivered.
    ///
    /// # Errors
    /// The file cannot be opened.
    pub fn serve_file(&mut self, url: &str, path: &Path) -> std::io::Result<&mut Resource> {
        let body = FileBody::open(path)?;
        let resource = self.net.network.resources.entry(url.into()).or_default();
        resource.source = Some(Arc::new(body));
        resource.headers = vec![(
            "content-type".into(),
            crate::fetch::content_type(url).into(),
        )];
        Ok(resource)
    }

    /// Serves every file under `dir` at `base_url` + its relative path (with `/`);
    /// returns how many.
    ///
    /// # Errors
    /// A directory or file cannot be read.
    pub fn serve_dir(&mut self, base_url: &str, dir: &Path) -> std::io::Result<usize> {
        let base = base_url.trim_end_matches('/');
        let mut served = 0;
        let mut stack = vec![dir.to_path_buf()];
        while let Some(folder) = stack.pop() {
            for entry in std::fs::read_dir(&folder)? {
                let path = entry?.path();
                if path.is_dir() {
                    stack.push(path);
                    continue;
                }
                let Ok(relative) = path.strip_prefix(dir) else {
                    continue;
                };
                let parts: Vec<String> = relative
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy().into_owned())
                    .collect();
                let url = format!("{base}/{}", parts.join("/"));
                self.serve_file(&url, &path)?;
                served += 1;
            }
        }
        Ok(served)
    }
}
