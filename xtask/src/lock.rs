//! specs/specs.lock: what was imported (per area: file, sha256, OpenAPI version, info.version, operation count).
