resource "kubernetes_manifest" "worker" {
  manifest = {
    apiVersion = "apps/v1"
    kind       = "Deployment"
    metadata = {
      name      = "worker"
      namespace = "orders"
    }
    spec = {
      template = {
        metadata = {
          labels = {
            "azure.workload.identity/use" = "true"
          }
        }
        spec = {
          serviceAccountName = "worker"
          containers         = [{ name = "worker", image = "registry.example.com/worker:1.0.0" }]
        }
      }
    }
  }
}
