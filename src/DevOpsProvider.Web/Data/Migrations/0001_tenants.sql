-- Installed Jira sites (Connect tenants). A row is never deleted: its state records what happened to it.
CREATE TABLE tenants (
    client_key                 text PRIMARY KEY,
    shared_secret              text        NOT NULL,
    base_url                   text        NOT NULL,
    display_url                text,
    product_type               text,
    description                text,
    service_entitlement_number text,
    oauth_client_id            text,
    installation_id            text,
    cloud_id                   text,
    state                      text        NOT NULL CHECK (state IN ('active', 'disabled', 'uninstalled', 'replaced')),
    installed_at               timestamptz NOT NULL,
    updated_at                 timestamptz NOT NULL,
    secret_rotated_at          timestamptz NOT NULL
);

CREATE INDEX tenants_base_url ON tenants (base_url);

-- Lifecycle history: every verified callback, in the order received.
CREATE TABLE tenant_events (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    client_key  text        NOT NULL REFERENCES tenants (client_key),
    event_type  text        NOT NULL,
    state_after text        NOT NULL,
    detail      text,
    occurred_at timestamptz NOT NULL
);

CREATE INDEX tenant_events_client_key ON tenant_events (client_key, id);
