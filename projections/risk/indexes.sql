-- risk: the indexes only readers use. Built once over the finished tables at the end of a rebuild, before
-- the swap (docs/architecture.md §Read models); the fold itself looks rows up only by the keys in schema.sql.
CREATE INDEX risk_days_date ON risk_days (trading_date, account);
