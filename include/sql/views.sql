-- DuckDB views over the newsflow lake. `newsflow sql` loads this file with {lake} replaced by
-- the lake root (a folder or s3://bucket/prefix); in your own DuckDB session do the same, e.g.
--   duckdb -c "$(sed 's#{lake}#data/lake#g' include/sql/views.sql) SELECT * FROM articles_per_source_day"
-- Every table is read the same way: Hive partitions typed explicitly (month/source VARCHAR; the
-- data date is the DATE column `date` inside the files; raw_pages is partitioned by date), files
-- unioned by column name (a column added later reads as NULL in older files).
-- A view whose table has no files yet is skipped by `newsflow sql`.

-- Tables (generated from the schemas by `python -m newsflow dictionary --views include/sql/views.sql`)
CREATE OR REPLACE VIEW articles AS SELECT * FROM read_parquet('{lake}/articles/*/*/*.parquet', hive_partitioning = true, union_by_name = true, hive_types = {'month': VARCHAR, 'source': VARCHAR});
CREATE OR REPLACE VIEW fetch_log AS SELECT * FROM read_parquet('{lake}/fetch_log/*/*/*.parquet', hive_partitioning = true, union_by_name = true, hive_types = {'month': VARCHAR, 'source': VARCHAR});
CREATE OR REPLACE VIEW runs AS SELECT * FROM read_parquet('{lake}/runs/*/*/*.parquet', hive_partitioning = true, union_by_name = true, hive_types = {'month': VARCHAR, 'source': VARCHAR});
CREATE OR REPLACE VIEW signatures AS SELECT * FROM read_parquet('{lake}/signatures/*/*/*.parquet', hive_partitioning = true, union_by_name = true, hive_types = {'month': VARCHAR, 'source': VARCHAR});
CREATE OR REPLACE VIEW raw_pages AS SELECT * FROM read_parquet('{lake}/raw_pages/*/*/*.parquet', hive_partitioning = true, union_by_name = true, hive_types = {'date': DATE, 'source': VARCHAR});
CREATE OR REPLACE VIEW rejects AS SELECT * FROM read_parquet('{lake}/rejects/*/*/*.parquet', hive_partitioning = true, union_by_name = true, hive_types = {'month': VARCHAR, 'source': VARCHAR});
CREATE OR REPLACE VIEW term_df AS SELECT * FROM read_parquet('{lake}/term_df/*/*/*.parquet', hive_partitioning = true, union_by_name = true, hive_types = {'month': VARCHAR, 'source': VARCHAR});
CREATE OR REPLACE VIEW template_lines AS SELECT * FROM read_parquet('{lake}/template_lines/*/*/*.parquet', hive_partitioning = true, union_by_name = true, hive_types = {'month': VARCHAR, 'source': VARCHAR});
CREATE OR REPLACE VIEW lsh_bands AS SELECT * FROM read_parquet('{lake}/lsh_bands/*/*/*.parquet', hive_partitioning = true, union_by_name = true, hive_types = {'month': VARCHAR, 'source': VARCHAR});
CREATE OR REPLACE VIEW entities AS SELECT * FROM read_parquet('{lake}/entities/*/*/*.parquet', hive_partitioning = true, union_by_name = true, hive_types = {'month': VARCHAR, 'source': VARCHAR});
CREATE OR REPLACE VIEW quotes AS SELECT * FROM read_parquet('{lake}/quotes/*/*/*.parquet', hive_partitioning = true, union_by_name = true, hive_types = {'month': VARCHAR, 'source': VARCHAR});
CREATE OR REPLACE VIEW dates AS SELECT * FROM read_parquet('{lake}/dates/*/*/*.parquet', hive_partitioning = true, union_by_name = true, hive_types = {'month': VARCHAR, 'source': VARCHAR});
CREATE OR REPLACE VIEW numbers AS SELECT * FROM read_parquet('{lake}/numbers/*/*/*.parquet', hive_partitioning = true, union_by_name = true, hive_types = {'month': VARCHAR, 'source': VARCHAR});
CREATE OR REPLACE VIEW keywords AS SELECT * FROM read_parquet('{lake}/keywords/*/*/*.parquet', hive_partitioning = true, union_by_name = true, hive_types = {'month': VARCHAR, 'source': VARCHAR});
-- End of generated tables

-- Ready queries -------------------------------------------------------------------------------

-- The day's view of fetching: each URL's latest attempt per date (fetch_log keeps every run's rows).
CREATE OR REPLACE VIEW fetch_log_latest AS
SELECT * EXCLUDE (rn) FROM (
  SELECT *, row_number() OVER (PARTITION BY date, source, url ORDER BY fetched_at DESC NULLS LAST, run_id DESC) AS rn
  FROM fetch_log) WHERE rn = 1;

-- Articles per source per day (canonical = not a duplicate of an earlier story).
CREATE OR REPLACE VIEW articles_per_source_day AS
SELECT date, source, count(*) AS articles, count(*) FILTER (WHERE is_canonical) AS canonical
FROM articles GROUP BY ALL ORDER BY date, source;

-- Entities mentioned in the most articles in the lake's latest 7 days.
CREATE OR REPLACE VIEW top_entities_week AS
SELECT type, canonical, count(DISTINCT article_id) AS articles, sum(mentions) AS mentions
FROM entities WHERE date > (SELECT max(date) FROM entities) - INTERVAL 7 DAY
GROUP BY ALL ORDER BY articles DESC, mentions DESC, canonical LIMIT 50;

-- Who was quoted most (named speakers; a duplicate article's quotes count once, via canonical articles).
CREATE OR REPLACE VIEW most_quoted AS
SELECT q.speaker, any_value(q.speaker_type) AS speaker_type, count(*) AS quotes, count(DISTINCT q.article_id) AS articles
FROM quotes q JOIN articles a USING (article_id)
WHERE q.speaker IS NOT NULL AND a.is_canonical
GROUP BY q.speaker ORDER BY quotes DESC, speaker LIMIT 50;

-- Share of each source's articles that duplicate an earlier story.
CREATE OR REPLACE VIEW duplicate_rate AS
SELECT source, count(*) AS articles, count(*) FILTER (WHERE NOT is_canonical) AS duplicates,
       round(count(*) FILTER (WHERE NOT is_canonical) / count(*), 3) AS duplicate_rate
FROM articles GROUP BY source ORDER BY duplicate_rate DESC, source;
