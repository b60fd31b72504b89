resource "kubernetes_stateful_set_v1" "ledger" {
  metadata {
    name      = "ledger"
    namespace = "payments"
    labels    = { app = "ledger" }
  }

  spec {
    service_name = "ledger"
    selector {
      match_labels = { app = "ledger" }
    }
    template {
      metadata {
        labels = {
          app                           = "ledger"
          "azure.workload.identity/use" = "true"
        }
      }
      spec {
        service_account_name = "ledger"
        container {
          name  = "ledger"
          image = "registry.example.com/ledger:3.2.0"
        }
      }
    }
  }
}
