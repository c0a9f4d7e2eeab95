enum TestKitNamespace {}
