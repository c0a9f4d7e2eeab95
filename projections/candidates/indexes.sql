-- candidates: the indexes only readers use. Built once over the finished tables at the end of a rebuild, before
-- the swap (docs/architecture.md §Read models); the fold itself looks rows up only by the keys in schema.sql.
CREATE INDEX candidates_finalists ON candidates (cycle_id, final_rank) WHERE final_rank IS NOT NULL;
