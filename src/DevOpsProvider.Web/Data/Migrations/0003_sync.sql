-- Sync state: what each site should receive, what it has accepted, and what each run did.
-- Hangfire keeps its own tables in the schema "hangfire", created by Hangfire.PostgreSql itself.

-- Per-site sync settings and flags. One row per tenant, created on install (and here for tenants that predate sync).
CREATE TABLE tenant_sync (
    client_key           text PRIMARY KEY REFERENCES tenants (client_key),
    -- Set when Jira refused our credentials (401/403): runs stop until an install, enable or an operator's sync.
    attention_reason     text,
    attention_at         timestamptz,
    -- A full resync was asked for; cleared by the first full run that completes after it.
    full_requested_at    timestamptz,
    -- Debounce: when a scheduled run is due; NULL when none is waiting.
    run_due_at           timestamptz,
    -- A trigger found the site busy: the running run goes round again before it lets go.
    rerun_requested      boolean     NOT NULL DEFAULT false,
    unknown_project_keys text[]      NOT NULL DEFAULT '{}',
    created_at           timestamptz NOT NULL
);

-- Which catalog scopes each site receives. A site with no rows receives nothing; install gives it 'default'.
CREATE TABLE tenant_scopes (
    client_key text NOT NULL REFERENCES tenants (client_key),
    scope      text NOT NULL,
    PRIMARY KEY (client_key, scope)
);

-- What each site holds: the version Jira accepted and the last version it rejected, with Jira's messages.
-- The row goes when Jira confirmed the delete. scope is the scope property the component was sent with.
CREATE TABLE tenant_components (
    client_key       text   NOT NULL REFERENCES tenants (client_key),
    component_id     text   NOT NULL,
    scope            text   NOT NULL,
    accepted_version bigint,
    failed_version   bigint,
    failure_messages text[],
    failed_at        timestamptz,
    PRIMARY KEY (client_key, component_id)
);

CREATE INDEX tenant_components_id ON tenant_components (component_id);

-- One row per run. History is trimmed per site to the newest Sync:RunHistoryPerSite rows.
CREATE TABLE sync_runs (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    client_key   text        NOT NULL REFERENCES tenants (client_key),
    trigger      text        NOT NULL,
    full_sync    boolean     NOT NULL,
    started_at   timestamptz NOT NULL,
    finished_at  timestamptz,
    outcome      text        NOT NULL CHECK (outcome IN ('running', 'succeeded', 'failed', 'cancelled', 'interrupted', 'needs-attention')),
    pending      integer     NOT NULL DEFAULT 0,
    sent         integer     NOT NULL DEFAULT 0,
    accepted     integer     NOT NULL DEFAULT 0,
    failed       integer     NOT NULL DEFAULT 0,
    deleted      integer     NOT NULL DEFAULT 0,
    requests     integer     NOT NULL DEFAULT 0,
    retries      integer     NOT NULL DEFAULT 0,
    bytes_sent   bigint      NOT NULL DEFAULT 0,
    error        text
);

CREATE INDEX sync_runs_client_key ON sync_runs (client_key, id DESC);

INSERT INTO tenant_sync (client_key, created_at) SELECT client_key, now() FROM tenants;
INSERT INTO tenant_scopes (client_key, scope) SELECT client_key, 'default' FROM tenants;

-- The tombstone purge after each run looks only at deleted components.
CREATE INDEX components_tombstones ON components (id) WHERE deleted_at IS NOT NULL;
