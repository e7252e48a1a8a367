-- Roles for docker/compose.yaml: the schema owner runs migrations; the application role
-- owns nothing and cannot bypass row-level security.
CREATE ROLE concord_owner LOGIN PASSWORD 'concord_owner';
CREATE ROLE concord_app LOGIN PASSWORD 'concord_app' NOSUPERUSER NOBYPASSRLS;
CREATE DATABASE concord OWNER concord_owner;
