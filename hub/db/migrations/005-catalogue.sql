-- The ministry's central catalogue of services and fees, versioned: each publication is a new
-- version pushed to every mission as a signed catalogue.update; missions keep local overrides.
CREATE TABLE catalogue_versions (
  version integer PRIMARY KEY,
  services jsonb NOT NULL,
  published_by text NOT NULL,
  published_at timestamptz NOT NULL
);
