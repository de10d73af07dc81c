-- masking_generative: fixed-seed generated scenarios (tables, view graphs, labels, products) show that masking fails closed
--
-- Scenario n (its random choices seeded from n alone) builds one or two tables of
-- secret values in domain regress_gen, a random graph of views over them in the
-- domain's private schemas, and then, in random order, classifies columns (set_pii
-- or SECURITY LABEL, on tables and views), reclassifies and unclassifies them,
-- replaces views upstream, and publishes one or two products. Any statement may
-- fail (a refusal is allowed); what must hold at the end, against the catalogs as
-- they then are:
--   * every product reads without error for a consumer;
--   * no clear value of a classified table column shows in what the consumer read;
--   * every product column that reads a classified column (passed through, computed,
--     a window's PARTITION BY / ORDER BY, the WHERE of a scalar sub-query) shows no
--     value of its source column;
--   * no product exists whose rows depend, in any view upstream, on a sort, group,
--     DISTINCT ON or LIMIT key that reads a classified column, or come from a table
--     partitioned (some tables are, by hash on a random column) or clustered (an
--     operation clusters a table on a random column) by one; lint finds no order leak;
--   * datamesh.verify() returns nothing.
-- Then the scenario's products are unpublished and its relations dropped.
--
-- psql variables: scenarios (default 300) is how many to run; only=N runs scenario
-- N alone and prints its statements (run them as regress_gen_dev after this file's
-- set-up to replay it).
\if :{?scenarios} \else \set scenarios 300 \endif
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS datamesh;

-- roles: a team, a member of it who does the work, a consumer outside the team
DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'regress_gen_team') THEN
        CREATE ROLE regress_gen_team NOLOGIN;
    END IF;
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'regress_gen_dev') THEN
        CREATE ROLE regress_gen_dev LOGIN;
    END IF;
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'regress_gen_reader') THEN
        CREATE ROLE regress_gen_reader NOLOGIN;
    END IF;
    GRANT regress_gen_team TO regress_gen_dev;
    -- products are granted to the mesh's consumer role: make the reader one
    IF (SELECT value FROM datamesh.settings WHERE setting = 'consumer_role') <> 'PUBLIC' THEN
        EXECUTE format('GRANT %I TO regress_gen_reader',
                       (SELECT value FROM datamesh.settings WHERE setting = 'consumer_role'));
    END IF;
    -- a fresh domain (a previous, interrupted run may have left one)
    IF EXISTS (SELECT FROM datamesh.domains WHERE domain = 'regress_gen') THEN
        PERFORM datamesh.drop_domain('regress_gen', force => true);
    END IF;
    PERFORM datamesh.create_domain('regress_gen', 'regress_gen_team');
END
$$;

-- bookkeeping, all in this session's temporary schema
CREATE TEMP TABLE gen_ddl (           -- every statement a scenario ran, for replay
    scenario int, seq int, stmt text, error text, PRIMARY KEY (scenario, seq));
CREATE TEMP TABLE gen_failures (scenario int, product text, what text);
CREATE TEMP TABLE gen_runs (scenario int PRIMARY KEY);
CREATE TEMP TABLE gen_reads (scenario int, product text);
-- the model of the scenario's relations: for each, its columns in order, the
-- relations it reads in FROM, its sort/group/DISTINCT ON/LIMIT keys (columns of
-- its own), and for each column the input columns ("rel.col") it reads
CREATE TEMP TABLE gen_rel (
    scenario int, idx int, name text, qname text, is_table boolean,
    cols text[], inputs text[], keys text[], deps jsonb, PRIMARY KEY (scenario, idx));
-- clear values that no consumer may see (pattern, and the column they come from)
CREATE TEMP TABLE gen_forbidden (pattern text, is_number boolean, col text);

-- random helpers; random() is seeded per scenario, so a scenario's statements
-- depend on n alone, never on the outcome of earlier statements
CREATE FUNCTION pg_temp.gen_int(lo int, hi int) RETURNS int LANGUAGE sql AS
$$ SELECT lo + floor(random() * (hi - lo + 1))::int $$;
CREATE FUNCTION pg_temp.gen_pick(a text[]) RETURNS text LANGUAGE sql AS
$$ SELECT a[pg_temp.gen_int(1, cardinality(a))] $$;

-- the type and a random valid strategy of each column (the same in every relation)
CREATE FUNCTION pg_temp.gen_type(c text) RETURNS text LANGUAGE sql AS $$
SELECT CASE c WHEN 'id' THEN 'int' WHEN 'salary' THEN 'numeric(9,2)' WHEN 'birth' THEN 'date' ELSE 'text' END
$$;
CREATE FUNCTION pg_temp.gen_strategy(c text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
    RETURN CASE pg_temp.gen_type(c)
        WHEN 'int' THEN pg_temp.gen_pick('{redact,hash,bucket(1000),bucket(100000)}')
        WHEN 'numeric(9,2)' THEN pg_temp.gen_pick('{redact,bucket(0.5),bucket(10),bucket(100),bucket(1000)}')
        WHEN 'date' THEN pg_temp.gen_pick('{redact,year,month}')
        ELSE pg_temp.gen_pick(ARRAY['redact', 'hash', 'email',
                              format('partial(%s,%s)', pg_temp.gen_int(0, 4), pg_temp.gen_int(0, 4))])
    END;
END
$$;

-- run one statement as the team member, trap its error, log it; returns the error or NULL
CREATE FUNCTION pg_temp.gen_exec(n int, command text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    err text;
BEGIN
    SET ROLE regress_gen_dev;
    BEGIN
        EXECUTE command;
    EXCEPTION WHEN OTHERS THEN
        err := SQLSTATE || ': ' || SQLERRM;
    END;
    RESET ROLE;
    INSERT INTO gen_ddl
    SELECT n, coalesce(max(seq), 0) + 1, command, err FROM gen_ddl WHERE scenario = n;
    RETURN err;
END
$$;

-- the body of a random view with output columns cols (names and types fixed, so
-- that views compose and CREATE OR REPLACE VIEW accepts another body), reading
-- relations of index below k; also returns its model (inputs, keys, deps)
CREATE FUNCTION pg_temp.gen_view(n int, k int, cols text[],
                                 OUT body text, OUT inputs text[], OUT keys text[],
                                 OUT deps jsonb, OUT in_schema text)
LANGUAGE plpgsql AS $$
DECLARE
    a gen_rel;                  -- primary input, alias a
    b gen_rel;                  -- second input of a join or UNION ALL, alias b
    t gen_rel;                  -- a table for a scalar sub-query
    from_kind text;
    row_kind text;
    expr jsonb := '{}';         -- column -> SQL expression
    modified text[] := '{}';    -- columns a modifier changed already
    has_window boolean := false;
    has_scalar boolean := false;
    c text;
    c2 text;
    kc text;
    kind text;
    i int;
    ti int;
    sel text;
BEGIN
    -- the primary input: mostly the previous relation (a chain), else any earlier one
    i := CASE WHEN random() < 0.75 THEN k - 1 ELSE pg_temp.gen_int(1, k - 1) END;
    SELECT * INTO a FROM gen_rel WHERE scenario = n AND idx = i;
    i := pg_temp.gen_int(1, k - 1);
    SELECT * INTO b FROM gen_rel WHERE scenario = n AND idx = i;
    in_schema := split_part(a.qname, '.', 1);
    keys := '{}';
    from_kind := CASE WHEN random() < 0.75 THEN 'single' WHEN random() < 0.6 THEN 'join' ELSE 'union' END;
    deps := '{}';

    IF from_kind = 'union' THEN
        -- UNION ALL: each column reads both arms
        inputs := ARRAY[a.name, b.name];
        FOREACH c IN ARRAY cols LOOP
            deps := deps || jsonb_build_object(c, jsonb_build_array(a.name || '.' || c, b.name || '.' || c));
        END LOOP;
        sel := array_to_string(cols, ', ');
        body := format('SELECT %s FROM %s UNION ALL SELECT %s FROM %s', sel, a.qname, sel, b.qname);
        IF random() < 0.2 THEN
            i := pg_temp.gen_int(1, 6);
            keys := ARRAY[cols[i]];
            body := body || format(' ORDER BY %s', i);
            IF random() < 0.5 THEN body := body || format(' LIMIT %s', pg_temp.gen_int(1, 4)); END IF;
        END IF;
        RETURN;
    END IF;

    -- single input or join USING (id): columns start as pass-through
    inputs := CASE from_kind WHEN 'join' THEN ARRAY[a.name, b.name] ELSE ARRAY[a.name] END;
    FOREACH c IN ARRAY cols LOOP
        IF from_kind = 'join' AND c <> 'id' AND random() < 0.5 THEN
            expr := expr || jsonb_build_object(c, 'b.' || c);
            deps := deps || jsonb_build_object(c, jsonb_build_array(b.name || '.' || c));
        ELSE
            expr := expr || jsonb_build_object(c, 'a.' || c);
            deps := deps || jsonb_build_object(c, jsonb_build_array(a.name || '.' || c));
        END IF;
    END LOOP;

    -- zero to two column modifiers, each on a column not modified yet
    FOR i IN 1..pg_temp.gen_int(0, 2) LOOP
        kind := pg_temp.gen_pick('{swap,scalar,case,coalesce,computed,window}');
        c := pg_temp.gen_pick(cols);
        CONTINUE WHEN c = ANY (modified);
        IF kind = 'swap' THEN
            -- two text columns swap names: email AS ssn, ssn AS email
            CONTINUE WHEN pg_temp.gen_type(c) <> 'text';
            c2 := pg_temp.gen_pick(array_remove('{dept,email,ssn}'::text[], c));
            CONTINUE WHEN c2 = ANY (modified);
            expr := expr || jsonb_build_object(c, expr->>c2, c2, expr->>c);
            deps := deps || jsonb_build_object(c, deps->c2, c2, deps->c);
            modified := modified || c2;
        ELSIF kind = 'scalar' THEN
            -- (SELECT x.c FROM table x WHERE x.id = a.id): reads x.c, x.id and a.id
            CONTINUE WHEN c = 'id';
            ti := pg_temp.gen_int(1, (SELECT count(*)::int FROM gen_rel WHERE scenario = n AND is_table));
            SELECT * INTO t FROM gen_rel WHERE scenario = n AND idx = ti;
            expr := expr || jsonb_build_object(c, format('(SELECT x.%s FROM %s x WHERE x.id = a.id)', c, t.qname));
            deps := deps || jsonb_build_object(c, jsonb_build_array(t.name || '.' || c, t.name || '.id', a.name || '.id'));
            has_scalar := true;
        ELSIF kind IN ('case', 'coalesce') THEN
            CONTINUE WHEN pg_temp.gen_type(c) <> 'text';
            c2 := pg_temp.gen_pick(array_remove('{dept,email,ssn}'::text[], c));
            IF kind = 'coalesce' THEN
                expr := expr || jsonb_build_object(c, format('COALESCE(%s, %s)', expr->>c, expr->>c2));
                deps := deps || jsonb_build_object(c, (deps->c) || (deps->c2));
            ELSIF random() < 0.5 THEN
                expr := expr || jsonb_build_object(c, format('CASE WHEN a.salary > 50000 THEN %s ELSE %s END', expr->>c, expr->>c2));
                deps := deps || jsonb_build_object(c, (deps->c) || (deps->c2) || to_jsonb(a.name || '.salary'));
            ELSE
                expr := expr || jsonb_build_object(c, format('CASE WHEN a.id %% 2 = 0 THEN %s ELSE %s END', expr->>c, expr->>c2));
                deps := deps || jsonb_build_object(c, (deps->c) || (deps->c2) || to_jsonb(a.name || '.id'));
            END IF;
        ELSIF kind = 'computed' THEN
            -- an expression of the column alone, of the same type
            expr := expr || jsonb_build_object(c, format(CASE c
                WHEN 'id' THEN 'abs(%s)' WHEN 'dept' THEN 'lower(%s)' WHEN 'email' THEN '%s || '''''
                WHEN 'ssn' THEN 'upper(%s)' WHEN 'salary' THEN '(%s + 1)::numeric(9,2)' ELSE '(%s + 1)' END,
                expr->>c));
        ELSE
            -- a window function whose PARTITION BY / ORDER BY reads column kc of a
            kc := pg_temp.gen_pick(cols);
            IF c = 'dept' AND random() < 0.5 THEN
                expr := expr || jsonb_build_object(c, format('first_value(a.dept) OVER (PARTITION BY a.%s ORDER BY a.id)', kc));
                deps := deps || jsonb_build_object(c, jsonb_build_array(a.name || '.dept', a.name || '.' || kc, a.name || '.id'));
            ELSE
                CONTINUE WHEN 'id' = ANY (modified);
                c := 'id';
                c2 := pg_temp.gen_pick(ARRAY['(rank() OVER (ORDER BY a.%s))::int',
                                             '(count(*) OVER (PARTITION BY a.%s))::int',
                                             '(row_number() OVER (PARTITION BY a.%s ORDER BY a.id))::int']);
                expr := expr || jsonb_build_object(c, format(c2, kc));
                deps := deps || jsonb_build_object(c, jsonb_build_array(a.name || '.' || kc)
                                                      || CASE WHEN c2 LIKE '%a.id%' THEN to_jsonb(a.name || '.id') ELSE '[]' END);
            END IF;
            has_window := true;
        END IF;
        modified := modified || c;
    END LOOP;

    -- a row modifier: ORDER BY [LIMIT], GROUP BY or DISTINCT ON, keyed on one output column
    row_kind := CASE WHEN random() < 0.7 THEN 'none'
                     WHEN has_window OR has_scalar OR from_kind = 'join' OR random() < 0.5 THEN 'order'
                     WHEN random() < 0.5 THEN 'group' ELSE 'distinct' END;
    i := pg_temp.gen_int(1, 6);
    sel := '';
    FOREACH c IN ARRAY cols LOOP
        IF row_kind = 'group' AND c <> cols[i] THEN
            sel := sel || format(', min(%s)::%s AS %s', expr->>c, pg_temp.gen_type(c), c);
        ELSE
            sel := sel || format(', %s AS %s', expr->>c, c);
        END IF;
    END LOOP;
    sel := substr(sel, 3);
    IF from_kind = 'single' AND row_kind = 'none' AND modified = '{}' AND NOT a.is_table AND a.cols = cols THEN
        sel := '*';
    END IF;
    body := format('SELECT %s%s FROM %s a%s', CASE WHEN row_kind = 'distinct' THEN format('DISTINCT ON (%s) ', i) ELSE '' END,
                   sel, a.qname, CASE WHEN from_kind = 'join' THEN format(' JOIN %s b USING (id)', b.qname) ELSE '' END);
    keys := '{}';
    IF row_kind = 'order' THEN
        keys := ARRAY[cols[i]];
        body := body || format(' ORDER BY %s', i);
        IF random() < 0.5 THEN body := body || format(' LIMIT %s', pg_temp.gen_int(1, 4)); END IF;
    ELSIF row_kind = 'group' THEN
        keys := ARRAY[cols[i]];
        body := body || format(' GROUP BY %s', i);
    ELSIF row_kind = 'distinct' THEN
        keys := ARRAY[cols[i], 'id'];
        body := body || format(' ORDER BY %s, %s', i, array_position(cols, 'id'));
    END IF;
END
$$;

-- the checks at the end of scenario n, as superuser; the consumer reads products
CREATE FUNCTION pg_temp.gen_check(n int) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    r gen_rel;
    p record;
    c text;
    tainted text[];             -- classified columns "rel.col", labelled or reading one
    ordered jsonb := '{}';      -- rel -> the classified key its rows depend on
    got text[];           -- the rows the consumer read, as JSON
    err text;
    pcols text[];
    clear text[];
    hit text;
    nver bigint;
    ver text;
BEGIN
    -- what is classified now: the labels in the catalog, then through the model
    SELECT coalesce(array_agg(g.name || '.' || l.column_name), '{}') INTO tainted
      FROM gen_rel g JOIN datamesh.pii_columns l ON to_regclass(l.object) = g.qname::regclass
     WHERE g.scenario = n;
    FOR r IN SELECT * FROM gen_rel WHERE scenario = n ORDER BY idx LOOP
        FOREACH c IN ARRAY r.cols LOOP
            IF NOT r.name || '.' || c = ANY (tainted)
               AND EXISTS (SELECT FROM jsonb_array_elements_text(r.deps->c) d WHERE d = ANY (tainted)) THEN
                tainted := tainted || (r.name || '.' || c);
            END IF;
        END LOOP;
        -- rows that depend on a classified key here or in an input
        SELECT r.name || '.' || k INTO hit FROM unnest(r.keys) k WHERE r.name || '.' || k = ANY (tainted) LIMIT 1;
        IF hit IS NULL THEN
            SELECT ordered->>i INTO hit FROM unnest(r.inputs) i WHERE ordered ? i LIMIT 1;
        END IF;
        IF hit IS NOT NULL THEN
            ordered := ordered || jsonb_build_object(r.name, hit);
        END IF;
    END LOOP;

    -- clear values of classified table columns that no unclassified table column
    -- holds (the tables share their ids)
    DELETE FROM gen_forbidden;
    FOR r IN SELECT * FROM gen_rel WHERE scenario = n AND is_table ORDER BY idx LOOP
        FOREACH c IN ARRAY r.cols LOOP
            CONTINUE WHEN NOT r.name || '.' || c = ANY (tainted);
            EXECUTE format('INSERT INTO gen_forbidden SELECT DISTINCT lower(to_jsonb(t)->>%L), %L::boolean, %L FROM %s t',
                           c, pg_temp.gen_type(c) IN ('int', 'numeric(9,2)'), r.name || '.' || c, r.qname);
        END LOOP;
    END LOOP;
    FOR r IN SELECT * FROM gen_rel WHERE scenario = n AND is_table ORDER BY idx LOOP
        FOREACH c IN ARRAY r.cols LOOP
            CONTINUE WHEN r.name || '.' || c = ANY (tainted);
            EXECUTE format('DELETE FROM gen_forbidden f USING %s t WHERE f.pattern = lower(to_jsonb(t)->>%L)', r.qname, c);
        END LOOP;
    END LOOP;
    DELETE FROM gen_forbidden WHERE pattern IS NULL;
    -- a number counts only as a whole JSON value
    UPDATE gen_forbidden SET pattern = '": ' || replace(pattern, '.', '\.') || '[,}]' WHERE is_number;

    FOR p IN SELECT d.product, g.name, g.qname, g.cols
               FROM datamesh.products d JOIN gen_rel g ON g.scenario = n AND to_regclass(d.source) = g.qname::regclass
              ORDER BY d.product LOOP
        IF ordered ? p.name THEN
            INSERT INTO gen_failures VALUES (n, p.product,
                format('published, but its rows depend on a sort, group, DISTINCT ON, LIMIT, partition or cluster key reading a classified column (%s)', ordered->>p.name));
        END IF;
        -- the consumer reads every row
        err := NULL;
        SET ROLE regress_gen_reader;
        BEGIN
            EXECUTE format('SELECT coalesce(array_agg(to_jsonb(p)::text), ''{}'') FROM %s p', p.product) INTO got;
        EXCEPTION WHEN OTHERS THEN
            err := SQLSTATE || ': ' || SQLERRM;
        END;
        RESET ROLE;
        IF err IS NOT NULL THEN
            INSERT INTO gen_failures VALUES (n, p.product, 'consumer cannot read it: ' || err);
            CONTINUE;
        END IF;
        INSERT INTO gen_reads VALUES (n, p.product);
        -- no clear value of a classified table column anywhere in it
        SELECT string_agg(DISTINCT f.col, ', ' ORDER BY f.col) INTO hit
          FROM unnest(got) x(t) JOIN gen_forbidden f
            ON CASE WHEN f.is_number THEN x.t ~ f.pattern ELSE strpos(lower(x.t), f.pattern) > 0 END;
        IF hit IS NOT NULL THEN
            INSERT INTO gen_failures VALUES (n, p.product, 'clear values of classified ' || hit);
        END IF;
        -- each column that reads a classified column shows none of its source's values
        SELECT array_agg(attname::text) INTO pcols FROM pg_attribute
         WHERE attrelid = p.product::regclass AND attnum > 0 AND NOT attisdropped;
        FOREACH c IN ARRAY pcols LOOP
            CONTINUE WHEN NOT (c = ANY (p.cols) AND p.name || '.' || c = ANY (tainted));
            EXECUTE format('SELECT array_agg(DISTINCT to_jsonb(s)->>%L) FROM %s s', c, p.qname) INTO clear;
            IF EXISTS (SELECT FROM unnest(got) x(t) WHERE x.t::jsonb->>c = ANY (clear)) THEN
                INSERT INTO gen_failures VALUES (n, p.product, format('column %s not masked (%s.%s is classified)', c, p.name, c));
            END IF;
        END LOOP;
    END LOOP;

    -- lint, which reads the catalogs its own way, finds no product whose
    -- rows come in the physical order of a classified column
    SELECT count(*), min(object || ': ' || message) INTO nver, ver
      FROM datamesh.lint('regress_gen') WHERE rule = 'order_leak';
    IF nver > 0 THEN
        INSERT INTO gen_failures VALUES (n, NULL, format('lint finds %s order leaks, first %s', nver, ver));
    END IF;

    -- verify() finds nothing
    SELECT count(*), min(object || ': ' || problem) INTO nver, ver FROM datamesh.verify();
    IF nver > 0 THEN
        INSERT INTO gen_failures VALUES (n, NULL, format('verify() returns %s rows, first %s', nver, ver));
    END IF;
END
$$;

-- one scenario
CREATE PROCEDURE pg_temp.gen_scenario(n int) LANGUAGE plpgsql AS $$
DECLARE
    schemas text[] := '{regress_gen_raw,regress_gen_raw_external,regress_gen_intermediates,regress_gen_information_objects}';
    canon text[] := '{id,dept,email,ssn,salary,birth}';
    ntab int;
    nrows int;
    k int;
    j int;
    x int;
    cols text[];
    sch text;
    name text;
    vals text;
    v record;
    r gen_rel;
    labelled text[] := '{}';    -- "idx.col" the scenario meant to classify
    target text;
    pubs_left int;
    ops_left int;
    nprod int := 0;
    pcols text[];
    err text;
BEGIN
    PERFORM setseed(((n * 7919) % 9973)::float8 / 9973 - 0.5);
    INSERT INTO gen_runs VALUES (n);

    -- one or two tables with the same columns and distinctive secret values, so
    -- that no mask can show one and no computed column can make one of the other
    -- table: table k holds ids n*100+row (shared, to join; never a multiple of a
    -- bucket width), text values naming n, k and the row, salaries with cents
    -- ending in 3 (table 1) or 7 (table 2) in disjoint ranges, birth dates in
    -- disjoint decades on days 2 to 15 (views add at most a day each)
    ntab := pg_temp.gen_int(1, 2);
    FOR k IN 1..ntab LOOP
        sch := pg_temp.gen_pick('{regress_gen_raw,regress_gen_intermediates}');
        name := format('s%s_t%s', n, k);
        nrows := pg_temp.gen_int(5, 9);
        SELECT string_agg(format('(%s, %L, %s, %L, %s, %L)',
                   n * 100 + g, format('dept_%s_%s_%s', n, k, 1 + g % 3),
                   CASE WHEN g = nrows AND random() < 0.3 THEN 'NULL' ELSE quote_literal(format('sec_%s_%s_%s@mail.test', n, k, g)) END,
                   format('ssn_%s_%s_%s_x', n, k, g),
                   round((k - 1) * 40000 + pg_temp.gen_int(10000, 49998) + (pg_temp.gen_int(0, 9) * 10 + CASE k WHEN 1 THEN 3 ELSE 7 END) / 100.0, 2),
                   to_char(make_date(1910 + k * 30 + pg_temp.gen_int(0, 29), pg_temp.gen_int(1, 12), pg_temp.gen_int(2, 15)), 'YYYY-MM-DD')), ', ')
          INTO vals FROM generate_series(1, nrows) g;
        -- some tables are partitioned (by hash, two partitions) on a random
        -- column: their rows come out partition by partition
        target := CASE WHEN random() < 0.3 THEN pg_temp.gen_pick(canon) END;
        err := pg_temp.gen_exec(n, format('CREATE TABLE %I.%I (id int, dept text, email text, ssn text, salary numeric(9,2), birth date)%s',
                                          sch, name, CASE WHEN target IS NOT NULL THEN format(' PARTITION BY HASH (%I)', target) ELSE '' END));
        IF target IS NOT NULL THEN
            FOR j IN 0..1 LOOP
                err := coalesce(err, pg_temp.gen_exec(n, format('CREATE TABLE %I.%I PARTITION OF %I.%I FOR VALUES WITH (MODULUS 2, REMAINDER %s)',
                                                                 sch, name || '_h' || j, sch, name, j)));
            END LOOP;
        END IF;
        err := coalesce(err, pg_temp.gen_exec(n, format('INSERT INTO %I.%I (id, dept, email, ssn, salary, birth) VALUES %s', sch, name, vals)));
        IF err IS NOT NULL THEN
            INSERT INTO gen_failures VALUES (n, NULL, 'cannot create table: ' || err);
            RETURN;
        END IF;
        INSERT INTO gen_rel VALUES (n, k, name, format('%I.%I', sch, name), true, canon, '{}',
                                    CASE WHEN target IS NOT NULL THEN ARRAY[target] ELSE '{}' END,
                                    (SELECT jsonb_object_agg(c, '[]'::jsonb) FROM unnest(canon) c));
    END LOOP;

    -- a view graph: a chain of one to five views with branches; each view in the
    -- schema of its input or another private schema; its own column order
    FOR k IN ntab + 1 .. ntab + pg_temp.gen_int(1, 5) LOOP
        cols := canon;
        IF random() < 0.4 THEN          -- shuffle
            FOR j IN REVERSE 6..2 LOOP
                x := pg_temp.gen_int(1, j);
                target := cols[j]; cols[j] := cols[x]; cols[x] := target;
            END LOOP;
        END IF;
        SELECT * INTO v FROM pg_temp.gen_view(n, k, cols);
        sch := CASE WHEN random() < 0.5 THEN v.in_schema ELSE pg_temp.gen_pick(schemas) END;
        name := format('s%s_v%s', n, k);
        IF pg_temp.gen_exec(n, format('CREATE VIEW %I.%I AS %s', sch, name, v.body)) IS NULL THEN
            INSERT INTO gen_rel VALUES (n, k, name, format('%I.%I', sch, name), false, cols, v.inputs, v.keys, v.deps);
        ELSE
            INSERT INTO gen_failures VALUES (n, NULL, format('cannot create view %s', name));
            RETURN;
        END IF;
    END LOOP;

    -- a random sequence of operations, with one or two publications at random places
    pubs_left := pg_temp.gen_int(1, 2);
    ops_left := pg_temp.gen_int(3, 8);
    WHILE pubs_left + ops_left > 0 LOOP
        k := (SELECT max(idx) FROM gen_rel WHERE scenario = n);
        IF random() < pubs_left::float8 / (pubs_left + ops_left) THEN
            -- publish a view (or a table), with its name or another, all columns or some
            pubs_left := pubs_left - 1;
            nprod := nprod + 1;
            x := CASE WHEN random() < 0.8 THEN pg_temp.gen_int(ntab + 1, k) ELSE pg_temp.gen_int(1, ntab) END;
            SELECT * INTO r FROM gen_rel WHERE scenario = n AND idx = x;
            pcols := NULL;
            IF random() < 0.3 THEN
                FOREACH target IN ARRAY r.cols LOOP
                    IF random() < 0.6 THEN pcols := array_append(pcols, target); END IF;
                END LOOP;
            END IF;
            PERFORM pg_temp.gen_exec(n, format('SELECT datamesh.publish_product(%L, %L, %L::name[])', r.qname,
                                            CASE WHEN random() < 0.5 THEN format('s%s_p%s', n, nprod) END, pcols));
            CONTINUE;
        END IF;
        ops_left := ops_left - 1;
        x := pg_temp.gen_int(1, 100);
        IF x <= 45 OR (x <= 72 AND labelled = '{}') OR (x > 72 AND x <= 92 AND k = ntab) THEN
            -- classify a column of a table (mostly) or of a view
            j := CASE WHEN random() < 0.7 THEN pg_temp.gen_int(1, ntab) ELSE pg_temp.gen_int(1, k) END;
            SELECT * INTO r FROM gen_rel WHERE scenario = n AND idx = j;
            target := r.idx || '.' || pg_temp.gen_pick(r.cols);
            labelled := array_append(array_remove(labelled, target), target);
        ELSIF x <= 72 THEN
            -- reclassify (another strategy) or unclassify a column classified before
            target := pg_temp.gen_pick(labelled);
            SELECT * INTO r FROM gen_rel WHERE scenario = n AND idx = split_part(target, '.', 1)::int;
            IF x > 58 THEN
                labelled := array_remove(labelled, target);
                PERFORM pg_temp.gen_exec(n, CASE WHEN random() < 0.5
                    THEN format('SELECT datamesh.unset_pii(%L, %L)', r.qname, split_part(target, '.', 2))
                    ELSE format('SECURITY LABEL FOR datamesh ON COLUMN %s.%I IS NULL', r.qname, split_part(target, '.', 2)) END);
                CONTINUE;
            END IF;
        ELSIF x <= 92 THEN
            -- replace a view by another body with the same columns
            j := pg_temp.gen_int(ntab + 1, k);
            SELECT * INTO r FROM gen_rel WHERE scenario = n AND idx = j;
            SELECT * INTO v FROM pg_temp.gen_view(n, r.idx, r.cols);
            IF pg_temp.gen_exec(n, format('CREATE OR REPLACE VIEW %s AS %s', r.qname, v.body)) IS NULL THEN
                UPDATE gen_rel SET inputs = v.inputs, keys = v.keys, deps = v.deps WHERE scenario = n AND idx = r.idx;
            END IF;
            CONTINUE;
        ELSIF x <= 96 THEN
            -- cluster a table (not a partitioned one) on an index of a random
            -- column: its rows come out in that column's order
            j := pg_temp.gen_int(1, ntab);
            SELECT * INTO r FROM gen_rel WHERE scenario = n AND idx = j;
            target := pg_temp.gen_pick(r.cols);
            IF pg_temp.gen_exec(n, format('CREATE INDEX %I ON %s (%I)', r.name || '_' || target, r.qname, target)) IS NULL
               AND pg_temp.gen_exec(n, format('ALTER TABLE %s CLUSTER ON %I', r.qname, r.name || '_' || target)) IS NULL THEN
                UPDATE gen_rel SET keys = ARRAY[target] WHERE scenario = n AND idx = r.idx;
            END IF;
            CONTINUE;
        ELSE
            -- one more view on the graph
            SELECT * INTO v FROM pg_temp.gen_view(n, k + 1, canon);
            sch := CASE WHEN random() < 0.5 THEN v.in_schema ELSE pg_temp.gen_pick(schemas) END;
            name := format('s%s_v%s', n, k + 1);
            IF pg_temp.gen_exec(n, format('CREATE VIEW %I.%I AS %s', sch, name, v.body)) IS NULL THEN
                INSERT INTO gen_rel VALUES (n, k + 1, name, format('%I.%I', sch, name), false, canon, v.inputs, v.keys, v.deps);
            ELSE
                INSERT INTO gen_failures VALUES (n, NULL, format('cannot create view %s', name));
                RETURN;
            END IF;
            CONTINUE;
        END IF;
        -- the label of target, by set_pii or by SECURITY LABEL
        PERFORM pg_temp.gen_exec(n, CASE WHEN random() < 0.5
            THEN format('SELECT datamesh.set_pii(%L, %L, %L)', r.qname, split_part(target, '.', 2),
                        pg_temp.gen_strategy(split_part(target, '.', 2)))
            ELSE format('SECURITY LABEL FOR datamesh ON COLUMN %s.%I IS %L', r.qname, split_part(target, '.', 2),
                        'pii:' || pg_temp.gen_strategy(split_part(target, '.', 2))) END);
    END LOOP;

    PERFORM pg_temp.gen_check(n);

    -- clean up: unpublish (a product view cannot be dropped by hand), drop the tables
    -- and with them the views; nothing of the scenario may stay
    FOR v IN SELECT product FROM datamesh.products WHERE domain = 'regress_gen' ORDER BY product LOOP
        err := pg_temp.gen_exec(n, format('SELECT datamesh.unpublish_product(%L)', v.product));
        IF err IS NOT NULL THEN
            INSERT INTO gen_failures VALUES (n, v.product, 'cannot unpublish: ' || err);
        END IF;
    END LOOP;
    FOR r IN SELECT * FROM gen_rel WHERE scenario = n AND is_table ORDER BY idx LOOP
        PERFORM pg_temp.gen_exec(n, format('DROP TABLE %s CASCADE', r.qname));
    END LOOP;
    IF EXISTS (SELECT FROM pg_class c JOIN pg_namespace s ON s.oid = c.relnamespace
                WHERE s.nspname LIKE 'regress\_gen\_%' AND c.relkind IN ('r', 'v'))
       OR EXISTS (SELECT FROM datamesh.products WHERE domain = 'regress_gen') THEN
        INSERT INTO gen_failures VALUES (n, NULL, 'relations or products left after clean-up');
    END IF;
EXCEPTION WHEN OTHERS THEN
    -- a harness error: the whole scenario rolls back; say so
    RESET ROLE;
    INSERT INTO gen_runs VALUES (n) ON CONFLICT DO NOTHING;
    INSERT INTO gen_failures VALUES (n, NULL, 'scenario aborted: ' || SQLSTATE || ': ' || SQLERRM);
END
$$;

-- run scenarios first..last, each in a transaction of its own
CREATE PROCEDURE pg_temp.gen_run(first int, last int) LANGUAGE plpgsql AS $$
BEGIN
    FOR n IN first..last LOOP
        CALL pg_temp.gen_scenario(n);
        COMMIT;
    END LOOP;
END
$$;
\if :{?only}
CALL pg_temp.gen_run(:only, :only);
SELECT stmt || ';' || coalesce(' -- ' || error, '') AS statement FROM gen_ddl ORDER BY scenario, seq;
\else
CALL pg_temp.gen_run(1, :scenarios);
\endif

-- the summary: how much ran, and every failure (none when masking fails closed)
SELECT (SELECT count(*) FROM gen_runs) AS scenarios, (SELECT count(*) FROM gen_reads) AS products_read;
-- how often the physical order was put to the test: scenarios with a
-- partitioned table, with a table clustered, and publications refused for it
SELECT count(DISTINCT scenario) FILTER (WHERE stmt LIKE '%PARTITION BY HASH%') AS partitioned,
       count(DISTINCT scenario) FILTER (WHERE stmt LIKE '%CLUSTER ON%' AND error IS NULL) AS clustered,
       count(*) FILTER (WHERE error LIKE '%its rows come from%') AS refused_for_order
  FROM gen_ddl;
SELECT * FROM gen_failures ORDER BY scenario, product, what;

-- drop what the file created
DROP PROCEDURE pg_temp.gen_run(int, int), pg_temp.gen_scenario(int);
DROP FUNCTION pg_temp.gen_check(int), pg_temp.gen_view(int, int, text[]), pg_temp.gen_exec(int, text),
    pg_temp.gen_strategy(text), pg_temp.gen_type(text), pg_temp.gen_pick(text[]), pg_temp.gen_int(int, int);
DROP TABLE gen_ddl, gen_failures, gen_runs, gen_reads, gen_rel, gen_forbidden;
DO $$ BEGIN PERFORM datamesh.drop_domain('regress_gen', force => true); END $$;
DROP ROLE regress_gen_dev, regress_gen_reader, regress_gen_team;
-- everything is as datamesh would make it
SELECT * FROM datamesh.verify();
