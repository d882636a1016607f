-- Fills audit_events up to :rows rows, as a month of a busy gateway would: timestamps over the last 30 days, 50
-- tenants (tenant-0 has 30 % of the trail), 200 clients, the users and addresses already ingested (their HMAC
-- pseudonyms, so that the API's subject filter finds them), types and outcomes in realistic shares, one type rare.
-- Run with psql -v rows=1000000 after a few thousand real events went through the service.
SELECT setseed(0.42);
CREATE TEMPORARY TABLE pseudonyms AS
SELECT array_agg(DISTINCT subject) AS subjects, array_agg(DISTINCT source_address) AS addresses FROM audit_events;

INSERT INTO audit_events (id, timestamp, type, client_id, subject, tenant_id, source_address, request_id, route, outcome, reason, details, ingested_at)
SELECT gen_random_uuid(),
       now() - interval '30 days' * (n::float8 / :rows) - interval '1 second' * random(),
       kind,
       'client-' || (n * 7919 % 200),
       subjects[1 + (n * 104729 % cardinality(subjects))],
       CASE WHEN n % 10 < 3 THEN 'tenant-0' ELSE 'tenant-' || (1 + n * 31 % 49) END,
       addresses[1 + n % cardinality(addresses)],
       md5(n::text),
       '/connect/token',
       CASE kind WHEN 'auth.token_failed' THEN 'failure' WHEN 'authz.denied' THEN 'denied' WHEN 'auth.refresh_reuse_detected' THEN 'denied' ELSE 'success' END,
       NULL,
       jsonb_build_object('grant_type', 'client_credentials', 'jti', md5((n * 3)::text)),
       now()
FROM pseudonyms,
     generate_series(1, :rows - (SELECT count(*) FROM audit_events)) AS n,
     LATERAL (SELECT CASE
         WHEN n % 10000 = 0 THEN 'auth.refresh_reuse_detected'
         WHEN n % 100 < 60 THEN 'auth.token_issued'
         WHEN n % 100 < 75 THEN 'auth.token_failed'
         WHEN n % 100 < 85 THEN 'authz.denied'
         WHEN n % 100 < 95 THEN 'realtime.connected'
         ELSE 'auth.login' END AS kind) AS kinds;
VACUUM ANALYZE audit_events;
