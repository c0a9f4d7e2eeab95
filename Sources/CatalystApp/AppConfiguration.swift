enum CatalystAppNamespace {}
