-- The provider's component catalog: the source of truth sync pushes into every installed Jira site.
-- Field rules: PROTOCOL.md section 6. version becomes Jira's updateSequenceNumber.
CREATE TABLE components (
    id             text        PRIMARY KEY CHECK (length(id) BETWEEN 1 AND 255),
    scope          text        NOT NULL DEFAULT 'default',
    name           text        NOT NULL,
    provider_name  text,
    description    text        NOT NULL,
    url            text        NOT NULL,
    avatar_url     text        NOT NULL,
    tier           text        NOT NULL,
    component_type text        NOT NULL,
    last_updated   timestamptz NOT NULL,
    -- Grows on every content change, across restarts and restores: epoch milliseconds, bumped past the last value.
    version        bigint      NOT NULL,
    -- Tombstone: set when deleted; the row stays until every site has been told.
    deleted_at     timestamptz,
    created_at     timestamptz NOT NULL,
    updated_at     timestamptz NOT NULL
);

CREATE UNIQUE INDEX components_version ON components (version);
CREATE INDEX components_scope_version ON components (scope, version);
CREATE INDEX components_url ON components (url);

-- The last version handed out. One row; UPDATE ... RETURNING reserves a range under its row lock.
CREATE TABLE catalog_clock (
    singleton    boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    last_version bigint  NOT NULL
);

INSERT INTO catalog_clock (singleton, last_version) VALUES (true, 0);
