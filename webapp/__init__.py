"""funding-matcher application: database, ingest, jobs, mail, CLI and the Flask web UI."""
