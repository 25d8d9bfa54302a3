// Benchmark peer: the app's onEntityAssociated action (PROTOCOL.md section 7) on atlassian-connect-express, the way
// a typical Connect app on Atlassian's Node framework serves it: ACE's middleware, addon.authenticate() (JWT, tenant
// from ACE's store, HS256, qsh), express.json() body parsing and the same shape checks, 200 with an empty body.
// It stores nothing; the C# app also records the association, so the comparison favours this peer.
// The tenant is written into ACE's own store at start (PEER_CLIENT_KEY, PEER_SHARED_SECRET), so the load generator's
// pre-signed tokens verify here exactly as they do against the C# app. Listens on 127.0.0.1 only.
process.env.NODE_ENV = process.env.NODE_ENV || "production";
const express = require("express");
const ace = require("atlassian-connect-express");

const clientKey = required("PEER_CLIENT_KEY");
const sharedSecret = required("PEER_SHARED_SECRET");
const siteBaseUrl = process.env.PEER_SITE_BASE_URL || "http://127.0.0.1:1";
const port = Number(required("PORT"));

const app = express();
app.set("env", process.env.NODE_ENV);
const addon = ace(app, { config: { watch: false } });
app.use(express.json({ limit: "64kb" }));
app.use(addon.middleware());

app.put("/actions/on-entity-associated", addon.authenticate(), (req, res) => {
  const body = req.body || {};
  const entity = body.entity;
  const target = body.associatedWith;
  if (!entity || typeof entity !== "object" || !(entity.id || entity.url || entity.ari)) {
    return res.status(400).json({ error: "bad request", reason: "entity: an id, url or ari is required" });
  }
  if (!target || typeof target !== "object" || !/^ati:cloud:jira:(project|issue)$/.test(target.ati || "") || !target.id) {
    return res.status(400).json({ error: "bad request", reason: "associatedWith: ati and id are required" });
  }
  res.status(200).end();
});

app.get("/healthz", (req, res) => res.status(200).send("ok"));

addon.settings
  .set("clientInfo", {
    key: addon.key,
    clientKey,
    sharedSecret,
    baseUrl: siteBaseUrl,
    productType: "jira",
    description: "benchmark tenant",
    eventType: "installed"
  }, clientKey)
  .then(() => {
    app.listen(port, "127.0.0.1", () => console.log(`peer-ace listening on http://127.0.0.1:${port}`));
  })
  .catch(err => {
    console.error("could not store the benchmark tenant:", err);
    process.exit(1);
  });

function required(name) {
  const value = process.env[name];
  if (!value) {
    console.error(`${name} is required`);
    process.exit(2);
  }
  return value;
}
