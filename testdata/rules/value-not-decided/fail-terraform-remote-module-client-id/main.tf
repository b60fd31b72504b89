module "identity" {
  source  = "app.terraform.io/example/identity/azurerm"
  version = "2.1.0"
}

resource "kubernetes_service_account_v1" "api" {
  metadata {
    name      = "api"
    namespace = "orders"
    annotations = {
      "azure.workload.identity/client-id" = module.identity.client_id
    }
  }
}
