locals {
  client_id = "3a870abd-5d5c-4f52-9f3c-2b0d1c1e7a11"
  env = {
    AZURE_CLIENT_ID = local.client_id
    LOG_LEVEL       = "info"
  }
}

resource "kubernetes_service_account_v1" "reports" {
  metadata {
    name      = "reports"
    namespace = "analytics"
    annotations = {
      "azure.workload.identity/client-id" = local.client_id
    }
  }
}

resource "kubernetes_deployment_v1" "reports" {
  metadata {
    name      = "reports"
    namespace = "analytics"
  }
  spec {
    template {
      metadata {
        labels = { "azure.workload.identity/use" = "true" }
      }
      spec {
        service_account_name = kubernetes_service_account_v1.reports.metadata[0].name
        container {
          name  = "reports"
          image = "registry.example.com/reports:2.3.0"
          dynamic "env" {
            for_each = local.env
            content {
              name  = env.key
              value = env.value
            }
          }
        }
      }
    }
  }
}
