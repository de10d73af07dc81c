-- every mask is total and quiet: random and hostile inputs never raise an error
\i sql/include/roles.sql
-- (the mask functions are called directly here, as a product view would; an
-- unknown product name means "mask")
SELECT setseed(0.4242);
CREATE TEMP TABLE fuzz AS
SELECT g,
       (SELECT string_agg(substr('ab@.-_ xyzÜ✓€😀@@' || chr(9), (random() * 17)::int + 1, 1), '')
          FROM generate_series(1, (random() * 40)::int + g * 0)) AS s,
       CASE g % 7 WHEN 0 THEN 'NaN'::numeric WHEN 1 THEN 'Infinity' WHEN 2 THEN '-Infinity'
            ELSE round(((random() - 0.5) * 10 ^ ((random() * 40)::int))::numeric, (random() * 10)::int) END AS n,
       (random() * 2147483647)::int * (CASE WHEN random() < 0.5 THEN -1 ELSE 1 END) AS i4,
       (random() * 9.2e18)::bigint * (CASE WHEN random() < 0.5 THEN -1 ELSE 1 END) AS i8,
       ((random() - 0.5) * 1e300)::float8 * (CASE g % 11 WHEN 0 THEN 'NaN'::float8 WHEN 1 THEN 'Infinity' ELSE 1 END) AS f8,
       CASE g % 13 WHEN 0 THEN 'infinity'::date WHEN 1 THEN '-infinity'::date
            ELSE date '4713-01-01 BC' + (random() * 2000000)::int END AS d,
       CASE g % 17 WHEN 0 THEN 'infinity'::timestamptz WHEN 1 THEN '-infinity'::timestamptz
            ELSE timestamptz '4713-01-01 00:00+00 BC' + (random() * 1e11) * interval '1 second' END AS ts
  FROM generate_series(1, 5000) g;
SELECT count(*) FROM fuzz;

SELECT count(datamesh.mask_email(s, 'fuzz')) AS emails,
       count(datamesh.mask_partial(s, 0, 0, 'fuzz')) AS p00,
       count(datamesh.mask_partial(s, 3, 2, 'fuzz')) AS p32,
       count(datamesh.mask_partial(s, 1000, 1000, 'fuzz')) AS p_big,
       count(datamesh.mask_redact(s, 'fuzz')) AS redacted
  FROM fuzz;
SELECT count(datamesh.mask_bucket(n, 1000::numeric, 'fuzz')) AS n_whole,
       count(datamesh.mask_bucket(n, 0.001::numeric, 'fuzz')) AS n_fraction,
       count(datamesh.mask_bucket(n, 'NaN'::numeric, 'fuzz')) AS n_nan_width,
       count(datamesh.mask_bucket(n, -5::numeric, 'fuzz')) AS n_negative_width,
       count(datamesh.mask_bucket(n, 0::numeric, 'fuzz')) AS n_zero_width,
       count(datamesh.mask_bucket(i4, 7, 'fuzz')) AS i4,
       count(datamesh.mask_bucket(i4, 0, 'fuzz')) AS i4_zero,
       count(datamesh.mask_bucket(i8, 9223372036854775807, 'fuzz')) AS i8_max,
       count(datamesh.mask_bucket(i8, 3, 'fuzz')) AS i8,
       count(datamesh.mask_bucket(f8, 1e-300, 'fuzz')) AS f8_tiny,
       count(datamesh.mask_bucket(f8, 'Infinity', 'fuzz')) AS f8_inf_width
  FROM fuzz;
SELECT count(datamesh.mask_year(d, 'fuzz')) AS year_d, count(datamesh.mask_month(d, 'fuzz')) AS month_d,
       count(datamesh.mask_year(ts, 'fuzz')) AS year_ts, count(datamesh.mask_month(ts, 'fuzz')) AS month_ts,
       count(datamesh.mask_month(ts::timestamp, 'fuzz')) AS month_plain
  FROM fuzz;
-- masks hide, never widen: partial keeps the length in characters, email never shows the local part
SELECT count(*) FILTER (WHERE length(datamesh.mask_partial(s, 3, 2, 'fuzz')) <> length(s)) AS length_changed,
       count(*) FILTER (WHERE datamesh.mask_email(s, 'fuzz') IS NOT NULL
                          AND split_part(datamesh.mask_email(s, 'fuzz'), '@', 1) NOT IN ('***')
                          AND length(split_part(datamesh.mask_email(s, 'fuzz'), '@', 1)) <> 4) AS email_shape_wrong
  FROM fuzz;

-- properties of every result, not only the absence of errors (each count must be 0)
-- email keeps the domain and hides the local part: '***' or its first character and '***'
SELECT count(*) > 100 AS enough_checked,
       count(*) FILTER (WHERE split_part(m, '@', 2) <> split_part(s, '@', 2)) AS domain_changed,
       count(*) FILTER (WHERE split_part(m, '@', 1) NOT IN ('***', left(s, 1) || '***')) AS local_part_shown,
       count(*) FILTER (WHERE m IS NULL AND s ~ '^[^@]+@[^@]+$') AS one_address_hidden_whole
  FROM (SELECT s, datamesh.mask_email(s, 'fuzz') AS m FROM fuzz) x
 WHERE m IS NOT NULL OR s ~ '^[^@]+@[^@]+$';
-- partial keeps the length and the ends, and stars everything between
SELECT count(*) FILTER (WHERE length(s) > 5) > 1000 AS enough_checked,
       count(*) FILTER (WHERE length(m) <> length(s)) AS length_changed,
       count(*) FILTER (WHERE length(s) > 5 AND (left(m, 3) <> left(s, 3) OR right(m, 2) <> right(s, 2))) AS ends_changed,
       count(*) FILTER (WHERE length(s) > 5 AND substr(m, 4, length(s) - 5) <> repeat('*', length(s) - 5)) AS middle_shown,
       count(*) FILTER (WHERE length(s) <= 5 AND m <> repeat('*', length(s))) AS short_shown
  FROM (SELECT s, datamesh.mask_partial(s, 3, 2, 'fuzz') AS m FROM fuzz) x;
-- year and month: not after the input, on the first day of the period (finite dates)
SELECT count(*) > 1000 AS enough_checked,
       count(*) FILTER (WHERE y > d OR extract(month FROM y) <> 1 OR extract(day FROM y) <> 1) AS year_wrong,
       count(*) FILTER (WHERE mo > d OR extract(day FROM mo) <> 1 OR date_trunc('month', d) <> mo) AS month_wrong,
       count(*) FILTER (WHERE yt > ts OR date_trunc('year', ts AT TIME ZONE 'UTC') <> yt AT TIME ZONE 'UTC') AS year_ts_wrong
  FROM (SELECT d, ts, datamesh.mask_year(d, 'fuzz') AS y, datamesh.mask_month(d, 'fuzz') AS mo,
               datamesh.mask_year(ts, 'fuzz') AS yt FROM fuzz) x
 WHERE isfinite(d) AND isfinite(ts) AND y IS NOT NULL AND mo IS NOT NULL AND yt IS NOT NULL;
-- bucket: a multiple of the width, not above the input, less than one width below it
SELECT count(*) > 1000 AS enough_checked,
       count(*) FILTER (WHERE b8 % 3 <> 0 OR b8 > i8 OR b8 <= i8 - 3) AS i8_wrong,
       count(*) FILTER (WHERE b4 % 7 <> 0 OR b4 > i4 OR b4 <= i4 - 7) AS i4_wrong,
       count(*) FILTER (WHERE bn IS NOT NULL AND n <> 'NaN' AND n NOT IN ('Infinity', '-Infinity')
                          AND (mod(bn, 1000) <> 0 OR bn > n OR bn <= n - 1000)) AS numeric_wrong,
       count(*) FILTER (WHERE n = 'NaN' AND bn::text <> 'NaN') AS nan_changed
  FROM (SELECT i8, i4, n, datamesh.mask_bucket(i8, 3, 'fuzz') AS b8, datamesh.mask_bucket(i4, 7, 'fuzz') AS b4,
               datamesh.mask_bucket(n, 1000::numeric, 'fuzz') AS bn FROM fuzz) x
 WHERE b8 IS NOT NULL AND b4 IS NOT NULL;
-- hash, through a product: deterministic, and no two values of the sample share a pseudonym
SELECT datamesh.create_domain('fz', 'regress_sales');
SET ROLE regress_alice;
CREATE TABLE fz_raw.v (id int, s text, i8 bigint);
RESET ROLE;
INSERT INTO fz_raw.v SELECT g, s, i8 FROM fuzz;
INSERT INTO fz_raw.v SELECT g + 5000, s, i8 FROM fuzz WHERE g % 3 = 0;
SET ROLE regress_alice;
SELECT datamesh.set_pii('fz_raw.v', 's', 'hash');
SELECT datamesh.set_pii('fz_raw.v', 'i8', 'hash');
SELECT datamesh.publish_product('fz_raw.v');
RESET ROLE;
SET ROLE regress_carol;
CREATE TEMP TABLE hashed AS SELECT id, s, i8 FROM fz_data_products.v;
RESET ROLE;
SELECT count(*) FILTER (WHERE h.s IS NULL) AS text_hash_missing,
       count(*) FILTER (WHERE h.i8 IS NULL) AS int_hash_missing,
       count(*) FILTER (WHERE h.s = v.s OR h.i8 = v.i8) AS clear_shown
  FROM hashed h JOIN fz_raw.v v USING (id) WHERE v.s IS NOT NULL;
SELECT (SELECT count(*) FROM (SELECT v.s FROM fz_raw.v v JOIN hashed h USING (id)
                               GROUP BY v.s HAVING count(DISTINCT h.s) > 1) x) AS not_deterministic,
       (SELECT count(DISTINCT s) FROM fz_raw.v) - (SELECT count(DISTINCT s) FROM hashed) AS text_collisions,
       (SELECT count(DISTINCT i8) FROM fz_raw.v) - (SELECT count(DISTINCT i8) FROM hashed) AS int_collisions;
SELECT datamesh.drop_domain('fz');

-- labels: random strategy texts are accepted or rejected with a clear error, nothing else
CREATE TEMP TABLE fuzz_target (s text, n numeric);
DO $$
DECLARE
    i int;
    accepted int := 0;
    rejected int := 0;
    lbl text;
BEGIN
    FOR i IN 1..1500 LOOP
        SELECT 'pii:' || string_agg(substr('partialbucketredacthashemailyearmonth(),0123456789. -e+', (random() * 55)::int + 1, 1), '')
          INTO lbl FROM generate_series(1, (random() * 14)::int + 1);
        IF i % 5 = 0 THEN lbl := 'pii:partial(' || (random() * 2000)::int || ',' || (random() * 2000)::int || ')'; END IF;
        IF i % 7 = 0 THEN lbl := 'pii:bucket(' || round((random() * 100)::numeric, (random() * 3)::int) || ')'; END IF;
        BEGIN
            EXECUTE format('SECURITY LABEL FOR datamesh ON COLUMN fuzz_target.%s IS %L',
                           CASE WHEN i % 2 = 0 THEN 's' ELSE 'n' END, lbl);
            accepted := accepted + 1;
        EXCEPTION WHEN invalid_parameter_value OR datatype_mismatch THEN
            rejected := rejected + 1;
        END;
    END LOOP;
    RAISE NOTICE 'labels: % accepted, % rejected, none crashed', accepted, rejected;
END
$$;
-- everything is as datamesh would make it
SELECT * FROM datamesh.verify();
