-- Provisions the four service databases on a fresh PostgreSQL 16 cluster (docker-entrypoint-initdb.d).
-- DEMO ONLY: every password is the role's own name, as the local launcher and the services'
-- default settings expect. Production creates these roles with real secrets (see deploy/k8s/README.md).
--
-- Per service <svc>:
--   <svc>_owner  owns the database and its public schema, runs the Alembic migrations;
--   <svc>_app    the runtime role: no ownership, NOBYPASSRLS, so row-level security always applies;
--                DML on the owner's tables and usage of its sequences through default privileges.
-- Extensions unaccent, pg_trgm and btree_gin (accent-insensitive, typo-tolerant French search;
-- search indexes led by the version id) are created by
-- the superuser here, so that migrations never need superuser rights.

\set ON_ERROR_STOP on

-- thesaurus -------------------------------------------------------------------------------
CREATE ROLE thesaurus_owner LOGIN PASSWORD 'thesaurus_owner' NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS;
CREATE ROLE thesaurus_app LOGIN PASSWORD 'thesaurus_app' NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS;
CREATE DATABASE thesaurus OWNER thesaurus_owner ENCODING 'UTF8' TEMPLATE template0;
REVOKE ALL ON DATABASE thesaurus FROM PUBLIC;
GRANT CONNECT, TEMPORARY ON DATABASE thesaurus TO thesaurus_app;

\connect thesaurus
ALTER SCHEMA public OWNER TO thesaurus_owner;
REVOKE ALL ON SCHEMA public FROM PUBLIC;
GRANT USAGE ON SCHEMA public TO thesaurus_app;
CREATE EXTENSION IF NOT EXISTS unaccent SCHEMA public;
CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA public;
CREATE EXTENSION IF NOT EXISTS btree_gin SCHEMA public;
ALTER DEFAULT PRIVILEGES FOR ROLE thesaurus_owner IN SCHEMA public
    GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO thesaurus_app;
ALTER DEFAULT PRIVILEGES FOR ROLE thesaurus_owner IN SCHEMA public
    GRANT USAGE, SELECT ON SEQUENCES TO thesaurus_app;
ALTER DEFAULT PRIVILEGES FOR ROLE thesaurus_owner IN SCHEMA public
    GRANT EXECUTE ON FUNCTIONS TO thesaurus_app;
\connect postgres

-- assessment -------------------------------------------------------------------------------
CREATE ROLE assessment_owner LOGIN PASSWORD 'assessment_owner' NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS;
CREATE ROLE assessment_app LOGIN PASSWORD 'assessment_app' NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS;
CREATE DATABASE assessment OWNER assessment_owner ENCODING 'UTF8' TEMPLATE template0;
REVOKE ALL ON DATABASE assessment FROM PUBLIC;
GRANT CONNECT, TEMPORARY ON DATABASE assessment TO assessment_app;

\connect assessment
ALTER SCHEMA public OWNER TO assessment_owner;
REVOKE ALL ON SCHEMA public FROM PUBLIC;
GRANT USAGE ON SCHEMA public TO assessment_app;
CREATE EXTENSION IF NOT EXISTS unaccent SCHEMA public;
CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA public;
CREATE EXTENSION IF NOT EXISTS btree_gin SCHEMA public;
ALTER DEFAULT PRIVILEGES FOR ROLE assessment_owner IN SCHEMA public
    GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO assessment_app;
ALTER DEFAULT PRIVILEGES FOR ROLE assessment_owner IN SCHEMA public
    GRANT USAGE, SELECT ON SEQUENCES TO assessment_app;
ALTER DEFAULT PRIVILEGES FOR ROLE assessment_owner IN SCHEMA public
    GRANT EXECUTE ON FUNCTIONS TO assessment_app;
\connect postgres

-- reporting -------------------------------------------------------------------------------
CREATE ROLE reporting_owner LOGIN PASSWORD 'reporting_owner' NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS;
CREATE ROLE reporting_app LOGIN PASSWORD 'reporting_app' NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS;
CREATE DATABASE reporting OWNER reporting_owner ENCODING 'UTF8' TEMPLATE template0;
REVOKE ALL ON DATABASE reporting FROM PUBLIC;
GRANT CONNECT, TEMPORARY ON DATABASE reporting TO reporting_app;

\connect reporting
ALTER SCHEMA public OWNER TO reporting_owner;
REVOKE ALL ON SCHEMA public FROM PUBLIC;
GRANT USAGE ON SCHEMA public TO reporting_app;
CREATE EXTENSION IF NOT EXISTS unaccent SCHEMA public;
CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA public;
CREATE EXTENSION IF NOT EXISTS btree_gin SCHEMA public;
ALTER DEFAULT PRIVILEGES FOR ROLE reporting_owner IN SCHEMA public
    GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO reporting_app;
ALTER DEFAULT PRIVILEGES FOR ROLE reporting_owner IN SCHEMA public
    GRANT USAGE, SELECT ON SEQUENCES TO reporting_app;
ALTER DEFAULT PRIVILEGES FOR ROLE reporting_owner IN SCHEMA public
    GRANT EXECUTE ON FUNCTIONS TO reporting_app;
\connect postgres

-- indicators -------------------------------------------------------------------------------
CREATE ROLE indicators_owner LOGIN PASSWORD 'indicators_owner' NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS;
CREATE ROLE indicators_app LOGIN PASSWORD 'indicators_app' NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS;
CREATE DATABASE indicators OWNER indicators_owner ENCODING 'UTF8' TEMPLATE template0;
REVOKE ALL ON DATABASE indicators FROM PUBLIC;
GRANT CONNECT, TEMPORARY ON DATABASE indicators TO indicators_app;

\connect indicators
ALTER SCHEMA public OWNER TO indicators_owner;
REVOKE ALL ON SCHEMA public FROM PUBLIC;
GRANT USAGE ON SCHEMA public TO indicators_app;
CREATE EXTENSION IF NOT EXISTS unaccent SCHEMA public;
CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA public;
CREATE EXTENSION IF NOT EXISTS btree_gin SCHEMA public;
ALTER DEFAULT PRIVILEGES FOR ROLE indicators_owner IN SCHEMA public
    GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO indicators_app;
ALTER DEFAULT PRIVILEGES FOR ROLE indicators_owner IN SCHEMA public
    GRANT USAGE, SELECT ON SEQUENCES TO indicators_app;
ALTER DEFAULT PRIVILEGES FOR ROLE indicators_owner IN SCHEMA public
    GRANT EXECUTE ON FUNCTIONS TO indicators_app;
\connect postgres
