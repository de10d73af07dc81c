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
