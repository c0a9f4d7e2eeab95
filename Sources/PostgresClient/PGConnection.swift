enum PostgresClientNamespace {}
