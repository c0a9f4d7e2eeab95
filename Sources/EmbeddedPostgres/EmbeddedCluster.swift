enum EmbeddedPostgresNamespace {}
