-- Links between components and Jira projects or issues, as Jira reports them through the module's actions.
-- Keyed by tenant first: nothing of one site is visible to or changeable by another.
CREATE TABLE associations (
    client_key     text        NOT NULL REFERENCES tenants (client_key),
    component_id   text        NOT NULL,
    target_type    text        NOT NULL CHECK (target_type IN ('project', 'issue')),
    target_id      text        NOT NULL,
    cloud_id       text,
    ari            text,
    associated_by  text,
    associated_at  timestamptz NOT NULL,
    PRIMARY KEY (client_key, component_id, target_type, target_id)
);

-- Every association change, kept after the association itself is removed.
CREATE TABLE association_log (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    client_key    text        NOT NULL,
    component_id  text        NOT NULL,
    target_type   text        NOT NULL,
    target_id     text        NOT NULL,
    change        text        NOT NULL CHECK (change IN ('associated', 'disassociated')),
    action        text        NOT NULL,
    actor         text,
    occurred_at   timestamptz NOT NULL
);

CREATE INDEX association_log_client ON association_log (client_key, id);
