enum EventStoreNamespace {}
