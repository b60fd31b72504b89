resource "kubernetes_service_account_v1" "api" {
  metadata {
    name      = "api"
    namespace = var.namespace
    annotations = {
      "azure.workload.identity/client-id" = azurerm_user_assigned_identity.api.client_id
    }
  }
}

resource "kubernetes_deployment_v1" "api" {
  metadata {
    name      = "api"
    namespace = var.namespace
  }
  spec {
    selector {
      match_labels = { app = "api" }
    }
    template {
      metadata {
        labels = {
          app                           = "api"
          "azure.workload.identity/use" = "true"
        }
      }
      spec {
        service_account_name = kubernetes_service_account_v1.api.metadata[0].name
        container {
          name  = "api"
          image = "shopacr.azurecr.io/api:1.4.2"
        }
      }
    }
  }
}
