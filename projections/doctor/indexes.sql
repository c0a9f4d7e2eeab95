-- doctor: the indexes only readers use. Built once over the finished tables at the end of a rebuild, before
-- the swap (docs/architecture.md §Read models); the fold itself looks rows up only by the keys in schema.sql.
CREATE INDEX activity_logged_at ON activity (logged_at DESC);
CREATE INDEX activity_issue_type ON activity (issue_type);
