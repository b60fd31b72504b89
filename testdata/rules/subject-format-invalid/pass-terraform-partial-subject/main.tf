# Known only in part, but every known part is valid: the namespace and the name may be any
# names Kubernetes allows, so the subject is a note (not decided), never an error.
variable "namespace" {
  type = string
}

data "kubernetes_service_account_v1" "worker" {
  metadata {
    name      = "worker"
    namespace = "orders"
  }
}

resource "azurerm_user_assigned_identity" "orders" {
  name                = "id-orders"
  location            = "westeurope"
  resource_group_name = "rg-orders"
}

resource "azurerm_federated_identity_credential" "api" {
  name      = "fic-orders-api"
  parent_id = azurerm_user_assigned_identity.orders.id
  issuer    = azurerm_kubernetes_cluster.aks.oidc_issuer_url
  subject   = "system:serviceaccount:${var.namespace}:orders-api"
  audience  = ["api://AzureADTokenExchange"]
}

resource "azurerm_federated_identity_credential" "worker" {
  name      = "fic-orders-worker"
  parent_id = azurerm_user_assigned_identity.orders.id
  issuer    = azurerm_kubernetes_cluster.aks.oidc_issuer_url
  subject   = "system:serviceaccount:${var.namespace}:${data.kubernetes_service_account_v1.worker.metadata[0].name}"
  audience  = ["api://AzureADTokenExchange"]
}
