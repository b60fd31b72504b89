variable "namespace" {
  type    = string
  default = "orders"
}

resource "azurerm_federated_identity_credential" "api" {
  name      = "fic-api"
  parent_id = azurerm_user_assigned_identity.api.id
  issuer    = azurerm_kubernetes_cluster.aks.oidc_issuer_url
  subject   = "system:serviceaccount:${var.namespace}:api"
  audience  = ["api://AzureADTokenExchange"]
}

resource "kubernetes_service_account_v1" "api" {
  metadata {
    name      = "api"
    namespace = var.namespace
    annotations = {
      "azure.workload.identity/client-id" = azurerm_user_assigned_identity.api.client_id
    }
  }
}
